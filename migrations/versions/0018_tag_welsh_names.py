"""each risk factor and practice theme named in Welsh as well as English

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 01:30:00

The lists are data (administrators add to them), so their Welsh names are data too: ``name_cy``
beside ``name``. The defaults 0004 added are given their Welsh names here (the terms in
docs/welsh-glossary.md); a tag an administrator added before this has none until they give it one,
and is shown by its English name meanwhile. Downgrading drops the Welsh names only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

WELSH = {
    ("risk_factor", "Neglect"): "Esgeulustod",
    ("risk_factor", "Domestic abuse"): "Cam-drin domestig",
    ("risk_factor", "Parental mental health"): "Iechyd meddwl rhieni",
    ("risk_factor", "Substance misuse"): "Camddefnyddio sylweddau",
    ("risk_factor", "Physical abuse"): "Cam-drin corfforol",
    ("risk_factor", "Sexual abuse or exploitation"): "Cam-drin neu gamfanteisio rhywiol",
    ("risk_factor", "Co-sleeping"): "Cyd-gysgu",
    ("practice_theme", "Front-loading of the work"): "Gwneud y gwaith yn gynnar",
    ("practice_theme", "Planning"): "Cynllunio",
    ("practice_theme", "Sound recording"): "Cofnodi cadarn",
    (
        "practice_theme",
        "Systematic attention to the needs of the child",
    ): "Sylw systematig i anghenion y plentyn",
    ("practice_theme", "Crisp analysis"): "Dadansoddi clir",
}


def upgrade():
    with op.batch_alter_table("learning_tags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_cy", sa.String(length=100), nullable=True))
    tags = sa.table(
        "learning_tags",
        sa.column("kind", sa.String),
        sa.column("name", sa.String),
        sa.column("name_cy", sa.String),
    )
    for (kind, name), welsh in WELSH.items():
        op.execute(tags.update().where(tags.c.kind == kind, tags.c.name == name).values(name_cy=welsh))


def downgrade():
    with op.batch_alter_table("learning_tags", schema=None) as batch_op:
        batch_op.drop_column("name_cy")
