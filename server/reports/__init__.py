"""Reports, exports, recordings, progress and goals."""
