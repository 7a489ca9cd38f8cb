"""A model of the lab and an explorer of every sequence of faults: does any break the decision rules' promises?"""
