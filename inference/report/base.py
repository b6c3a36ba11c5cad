"""The base class of every part of a report."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Part(BaseModel):
    """Immutable; fields the model does not name are kept (``extra="allow"``) so no analysis data is dropped.

    In the published (serialization) JSON schema every field is required: the server always writes all of them.
    """

    model_config = ConfigDict(extra="allow", frozen=True, json_schema_serialization_defaults_required=True)
