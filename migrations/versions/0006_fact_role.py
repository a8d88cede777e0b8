"""fact role: a stock ("覆盖9个社区", "聘请法律顾问3名") is a stated value, not work to sum

The parser already tells work done in the period (role "new") from a standing number (role
"stock"), but the ledger kept only the number, so the report summed stocks like counts. The
column records the role; facts already stored get it back from the parse kept on their
message where that parse names the same activity, value and unit as a stock.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:30:00

"""

import json
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stock_keys(parse_json: str | None) -> set[tuple[str, str, Decimal, str]]:
    """(section, activity, value, unit) of every fact the stored parse marks as a stock."""
    try:
        facts = json.loads(parse_json or "{}").get("facts") or []
    except ValueError:
        return set()
    return {
        (f["section"], f["activity"], Decimal(str(f["value"])), f["unit"])
        for f in facts
        if f.get("role") == "stock"
    }


def upgrade() -> None:
    with op.batch_alter_table("facts") as batch:
        batch.add_column(
            sa.Column("role", sa.String(length=16), nullable=False, server_default="new")
        )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT f.id, f.section, f.activity, f.value, f.unit, m.parse_json "
            "FROM facts f JOIN messages m ON m.id = f.message_id "
            'WHERE m.parse_json LIKE \'%"role": "stock"%\''
        )
    ).all()
    stocks = [
        row.id
        for row in rows
        if (row.section, row.activity, Decimal(str(row.value)), row.unit)
        in _stock_keys(row.parse_json)
    ]
    for fact_id in stocks:
        bind.execute(sa.text("UPDATE facts SET role = 'stock' WHERE id = :id"), {"id": fact_id})


def downgrade() -> None:
    with op.batch_alter_table("facts") as batch:
        batch.drop_column("role")
