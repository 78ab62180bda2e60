import CustodyCLI
import Foundation

// custodyctl: everything lives in CustodyCLI; this file only hands off.
exit(CustodyctlCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
