"""count synonyms sum together: facts in 起/宗, 场次, 名/位 are summed as 件, 场, 人

data/units.yml now gives these measure words a base unit, so "调解纠纷3起" and "调解纠纷4件"
total 7件. Facts stored before keep their written unit; only the summing form changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 07:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here on purpose: a migration must not change when data/units.yml changes later.
SUMMED_AS = {"起": "件", "宗": "件", "场次": "场", "名": "人", "位": "人"}

_SET = sa.text("UPDATE facts SET unit_normalised = :summed WHERE unit = :unit")


def upgrade() -> None:
    for unit, summed in SUMMED_AS.items():
        op.execute(_SET.bindparams(unit=unit, summed=summed))


def downgrade() -> None:
    for unit in SUMMED_AS:
        op.execute(_SET.bindparams(unit=unit, summed=unit))
