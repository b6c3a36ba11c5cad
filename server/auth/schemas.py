"""Request and response bodies of the auth API."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, EmailStr, Field, field_validator

from server.auth.passwords import MIN_PASSWORD_LENGTH
from storage.models import Role


class Credentials(BaseModel):
    email: EmailStr
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)
    consent: bool = Field(
        False,
        description="The person agrees to have their practice sessions recorded and analysed; without it the "
        "account can sign in but not record or upload until it gives consent (POST /api/v1/me/consent).",
    )


class LoginRequest(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1024)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserOut(BaseModel):
    id: str
    email: str
    role: Role
    created_at: datetime
    consent_at: datetime | None = Field(
        None, description="When the user agreed to being recorded; null: not (yet), recording is refused."
    )

    @field_validator("created_at", "consent_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        """SQLite hands back naive UTC times: mark them UTC so every answer is the same instant, same text."""
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
