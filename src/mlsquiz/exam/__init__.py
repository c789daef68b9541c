"""Exam preparation: pacing new cards to an exam date, the final-review window, the forecast of exam-day recall
from the memory model, the practice exam's draw and score, its screen (sitting), the notice a deck shows about its
exam (status) and the roadmap's stages. Pure code, except `sitting`.

May import study/, store/, scheduling/, deckfile/, terminal/, runtime/ and the shared root modules; never
commands/ or anki/."""
