"""Body-language features on pose landmarks, temporal smoothing and alerts."""
