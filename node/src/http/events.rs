//! `GET /eth/v1/events?topics=...`: the chain's events as server-sent events, one `event:`
//! line with the topic and one `data:` line with its JSON, filtered by topic.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use futures_util::stream;
use tokio::sync::broadcast::error::RecvError;

use super::BeaconNodeBackend;
use super::backend::Event;
use super::extract::QueryPairs;
use crate::api::ApiError;

/// How often an idle stream sends a comment, so that proxies and clients keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// `GET /eth/v1/events?topics=head,block,...`: a stream of the chosen topics' events. A
/// subscriber too slow to keep up misses events (the oldest are dropped), and is told so by a
/// comment line.
pub(super) async fn events<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    query: QueryPairs,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    query.only(&["topics"])?;
    let topics: Vec<&'static str> = query
        .list("topics")?
        .into_iter()
        .map(|topic| {
            Event::<B::Spec>::TOPICS
                .into_iter()
                .find(|known| *known == topic)
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "invalid topic `{topic}`; expected one of: {}",
                        Event::<B::Spec>::TOPICS.join(", ")
                    ))
                })
        })
        .collect::<Result<_, _>>()?;
    if topics.is_empty() {
        return Err(ApiError::bad_request(
            "the `topics` query parameter is required",
        ));
    }
    let receiver = backend.events();
    let stream = stream::unfold((receiver, topics), |(mut receiver, topics)| async move {
        loop {
            match receiver.recv().await {
                Ok(event) if topics.contains(&event.topic()) => {
                    let sse = match event.data() {
                        Ok(data) => SseEvent::default()
                            .event(event.topic())
                            .data(data.to_string()),
                        Err(error) => {
                            SseEvent::default().comment(format!("unencodable event: {error}"))
                        }
                    };
                    return Some((Ok(sse), (receiver, topics)));
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    let sse = SseEvent::default()
                        .comment(format!("{missed} events missed: the stream fell behind"));
                    return Some((Ok(sse), (receiver, topics)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}
