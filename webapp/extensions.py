"""Flask extensions, created unbound here and bound in ``create_app``."""

from typing import TYPE_CHECKING, Any, cast

from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import CursorResult, Executable, MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so Alembic can alter them in SQLite batch mode and on PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The base class of every model. At run time it is ``db.Model`` (Base plus Flask-SQLAlchemy's
# helpers); a type checker cannot follow an attribute of an object as a base class, so it is told
# ``Base``, which ``db.Model`` subclasses and which declares every mapped attribute the models use.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()


def rows_matched(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the current session and return how many rows it matched.

    A claim (``UPDATE ... WHERE`` the row is still as we saw it) succeeded when this is 1."""
    result = cast(CursorResult[Any], db.session.execute(statement))
    return result.rowcount
