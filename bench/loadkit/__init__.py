"""The pieces of ``bench/load.py``: a virtual browser tab speaking Reflex's websocket
protocol (``client``), the campaign scenarios (``scenarios``), the servers under test and
their metrics (``servers``), the bare socket.io echo baseline (``echo``) and the ramp with
its table (``runner``)."""
