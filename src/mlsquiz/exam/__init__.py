"""Exam preparation: pacing new cards to an exam date, the final-review window, readiness from the FSRS memory
model, and the practice exam. Pure code, except `sitting` (the practice exam's screen)."""
