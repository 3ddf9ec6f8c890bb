"""The core every ParkParty app builds on; it imports no feature app (see README, "For developers")."""
