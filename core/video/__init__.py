"""Video analysis of a training clip: pose -> reps, depth, tempo, faults (`analyze`)."""
