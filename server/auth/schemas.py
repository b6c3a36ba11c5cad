"""Request and response bodies of the auth API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, EmailStr, Field

from server.auth.passwords import MIN_PASSWORD_LENGTH
from storage.models import Role


class Credentials(BaseModel):
    email: EmailStr
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)


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
