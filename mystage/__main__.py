from mystage.cli import main

raise SystemExit(main())
