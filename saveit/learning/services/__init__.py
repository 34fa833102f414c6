"""Every write of the learning domain."""
