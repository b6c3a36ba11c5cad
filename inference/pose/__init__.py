"""Pose landmarking behind the :class:`PoseEstimator` interface."""
