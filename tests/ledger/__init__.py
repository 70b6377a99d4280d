"""The Ledger's rules, command by command, and the stored events that must keep loading."""
