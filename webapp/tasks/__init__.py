"""The task engine: creating, pooling, completing and escalating the tasks of a review."""
