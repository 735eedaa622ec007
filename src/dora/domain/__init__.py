"""The DORA vocabulary and its rules, free of any framework."""
