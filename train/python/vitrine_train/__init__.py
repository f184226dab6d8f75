"""Reference PyTorch trainer for Vitrine's SASRec encoder (see ../README.md)."""
