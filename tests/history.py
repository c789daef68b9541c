"""Building a collection's history through the real store and scheduler, at chosen moments."""

from mlsquiz import clock
from mlsquiz.scheduling import sm2
from mlsquiz.store.bundled import open_synced as open_collection
from mlsquiz.store.decks import card_rows
from mlsquiz.store.study import record_answer


class History:
    def __init__(self, db_path, deck="mini"):
        self.collection = open_collection(db_path)
        self.ids = {row["card_id"]: row["id"] for row in card_rows(self.collection, deck)}

    def answer(self, card: str, grade: int, when: str, kind: str = "review", ms: int = 10_000):
        moment = clock.parse_moment(when)
        day = clock.study_day(moment)
        return record_answer(self.collection, self.ids[card], grade, kind, clock.utc_timestamp(moment), day, ms,
                             lambda state: sm2.review(state, grade, day))

    def close(self):
        self.collection.close()
