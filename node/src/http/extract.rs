//! Request extractors whose rejections are [`ApiError`]s, so that a malformed body, path or
//! query gets the API's JSON error body instead of axum's plain text.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::api::ApiError;

/// A JSON request body (`Content-Type: application/json`).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<T>::from_request(request, state).await?;
        Ok(Self(value))
    }
}

/// A raw request body, within the size limit.
pub struct ApiBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        Ok(Self(Bytes::from_request(request, state).await?))
    }
}

/// Path parameters.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(value) =
            axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}

/// The query string as its `key=value` pairs, in order, keys repeated as sent: the Beacon
/// API's list parameters come as `id=1&id=2` or `id=1,2`.
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Query(pairs) =
            axum::extract::Query::<Vec<(String, String)>>::from_request_parts(parts, state).await?;
        Ok(Self(pairs))
    }
}

impl QueryPairs {
    /// Refuses a key not in `known`, naming it.
    pub fn only(&self, known: &[&str]) -> Result<(), ApiError> {
        match self
            .0
            .iter()
            .find(|(key, _)| !known.contains(&key.as_str()))
        {
            Some((key, _)) => Err(ApiError::bad_request(format!(
                "unknown query parameter `{key}`; expected one of: {}",
                known.join(", ")
            ))),
            None => Ok(()),
        }
    }

    /// Every value of `key`, comma-separated lists split, empty items refused.
    pub fn list(&self, key: &str) -> Result<Vec<&str>, ApiError> {
        let mut values = Vec::new();
        for (_, value) in self.0.iter().filter(|(k, _)| k == key) {
            for item in value.split(',') {
                let item = item.trim();
                if item.is_empty() {
                    return Err(ApiError::bad_request(format!(
                        "empty value in query parameter `{key}`"
                    )));
                }
                values.push(item);
            }
        }
        Ok(values)
    }

    /// The one value of `key`, if given; twice is refused.
    pub fn single(&self, key: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self.0.iter().filter(|(k, _)| k == key);
        let first = values.next().map(|(_, value)| value.as_str());
        if values.next().is_some() {
            return Err(ApiError::bad_request(format!(
                "query parameter `{key}` given more than once"
            )));
        }
        Ok(first)
    }

    /// The value of `key` as a number, if given.
    pub fn number(&self, key: &str) -> Result<Option<u64>, ApiError> {
        self.single(key)?
            .map(|text| parse_u64(text, key))
            .transpose()
    }
}

/// A decimal `u64`, with a message naming `what` when it is not one.
pub fn parse_u64(text: &str, what: &str) -> Result<u64, ApiError> {
    text.parse().map_err(|_| {
        ApiError::bad_request(format!(
            "invalid {what} `{text}`: expected an unsigned decimal integer below 2^64"
        ))
    })
}
