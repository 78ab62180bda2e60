import CustodyDaemon

// custodyd: everything lives in CustodyDaemon; this file only hands off.
await CustodydCommand.runMain()
