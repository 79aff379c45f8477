"""The base every config model shares: frozen, strict about unknown keys, documented by docstrings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError


class Model(BaseModel):
    """A frozen config value; unknown keys are errors, attribute docstrings become schema descriptions
    (`sfsync.config.schema` reads them; building the models does not)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        use_attribute_docstrings=False,  # read for the schema only (schema.py): not on every load
        validate_default=False,
    )


def config_error(message: str, at: str = "") -> PydanticCustomError:
    """A validation error with a ready-made message; `at` names the key it should point at."""
    return PydanticCustomError("sfsync_config", message, {"at": at} if at else None)
