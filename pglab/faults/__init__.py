"""Fault injection: the faults a lab can suffer, and `fab chaos`, a Jepsen-style run of them."""
