"""Alembic environment: runs migrations on the engine that claimwatch hands over."""

from alembic import context

from claimwatch.store.db import include_object
from claimwatch.store.models import Base

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    context.run_migrations()
