"""Personal data: « Mes données » (access, portability), erasure and retention."""
