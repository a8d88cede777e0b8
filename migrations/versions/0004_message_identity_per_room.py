"""message identity per room: (channel, room, message id) instead of (channel, message id)

Chat exports often number their messages per room, so "id": 1 in two rooms are two
messages. The room of a private message is NULL; the index uses '' for it so that a private
message is still stored once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 08:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_messages_identity"


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("uq_messages_channel_channel_message_id", type_="unique")
    op.create_index(
        INDEX,
        "messages",
        ["channel", sa.text("coalesce(channel_room_id, '')"), "channel_message_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.create_unique_constraint(
            "uq_messages_channel_channel_message_id", ["channel", "channel_message_id"]
        )
