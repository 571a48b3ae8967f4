//! Peer scoring, sans-IO: misbehaviour lowers a peer's score, scores decay back toward zero,
//! and a peer whose score falls to the ban threshold is disconnected and banned for a while.
//!
//! Weights (defaults of [`ScoreConfig`]; the ban threshold is -50):
//!
//! | misbehaviour | penalty | why |
//! | --- | --- | --- |
//! | `InvalidMessage` (Reject verdict, invalid response) | 20 | provably invalid content: three get a peer banned |
//! | `OversizedFrame` | 30 | never sent by an honest peer, costs us bandwidth |
//! | `GarbageFraming` | 25 | undecodable bytes, never sent by an honest peer |
//! | `ProtocolViolation` | 15 | wrong topic, bad request, broken stream discipline |
//! | `DuplicateMessage` | 2 | a peer re-sending a message it already sent us: a flood of 25 bans it |
//! | `RateLimitExceeded` | 5 | more messages than the per-peer rate allows |
//!
//! An accepted message adds a small reward (0.5, score capped at +20) so that a long-standing
//! honest peer survives an occasional fault. Scores decay exponentially toward zero with a
//! half-life of 60 s; bans last 10 minutes by default.

use std::collections::HashMap;
use std::time::Duration;

use crate::peer_id::PeerId;

/// Something a peer did wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Misbehaviour {
    /// The node rejected a message the peer sent (Reject verdict or invalid response).
    InvalidMessage,
    /// A frame or message over the size limits.
    OversizedFrame,
    /// Bytes that do not decode as a frame or message.
    GarbageFraming,
    /// A well-formed message that breaks the protocol.
    ProtocolViolation,
    /// A message the same peer had already sent.
    DuplicateMessage,
    /// More traffic than the per-peer rate limit allows.
    RateLimitExceeded,
}

/// Weights, decay and ban parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreConfig {
    /// Penalty for [`Misbehaviour::InvalidMessage`].
    pub invalid_message: f64,
    /// Penalty for [`Misbehaviour::OversizedFrame`].
    pub oversized_frame: f64,
    /// Penalty for [`Misbehaviour::GarbageFraming`].
    pub garbage_framing: f64,
    /// Penalty for [`Misbehaviour::ProtocolViolation`].
    pub protocol_violation: f64,
    /// Penalty for [`Misbehaviour::DuplicateMessage`].
    pub duplicate_message: f64,
    /// Penalty for [`Misbehaviour::RateLimitExceeded`].
    pub rate_limit_exceeded: f64,
    /// Reward for a message the node accepted.
    pub accepted_message: f64,
    /// Highest score a peer can hold.
    pub max_score: f64,
    /// At or below this score the peer is disconnected and banned.
    pub ban_threshold: f64,
    /// How long a ban lasts.
    pub ban_duration: Duration,
    /// Time for a score to decay halfway to zero.
    pub decay_half_life: Duration,
}

impl Default for ScoreConfig {
    fn default() -> Self {
        Self {
            invalid_message: 20.0,
            oversized_frame: 30.0,
            garbage_framing: 25.0,
            protocol_violation: 15.0,
            duplicate_message: 2.0,
            rate_limit_exceeded: 5.0,
            accepted_message: 0.5,
            max_score: 20.0,
            ban_threshold: -50.0,
            ban_duration: Duration::from_secs(600),
            decay_half_life: Duration::from_secs(60),
        }
    }
}

impl ScoreConfig {
    /// The penalty for one instance of `m`.
    pub fn penalty(&self, m: Misbehaviour) -> f64 {
        match m {
            Misbehaviour::InvalidMessage => self.invalid_message,
            Misbehaviour::OversizedFrame => self.oversized_frame,
            Misbehaviour::GarbageFraming => self.garbage_framing,
            Misbehaviour::ProtocolViolation => self.protocol_violation,
            Misbehaviour::DuplicateMessage => self.duplicate_message,
            Misbehaviour::RateLimitExceeded => self.rate_limit_exceeded,
        }
    }
}

/// One peer's score and when it was last brought up to date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeerScore {
    /// The score as of `updated`.
    pub score: f64,
    /// When the score was last decayed.
    pub updated: Duration,
}

impl PeerScore {
    fn decay_to(&mut self, now: Duration, half_life: Duration) {
        let elapsed = now.saturating_sub(self.updated);
        if !half_life.is_zero() && !elapsed.is_zero() {
            let halvings = elapsed.as_secs_f64() / half_life.as_secs_f64();
            self.score *= 0.5f64.powf(halvings);
        }
        self.updated = self.updated.max(now);
    }
}

/// A ban: the peer must be disconnected and refused until `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ban {
    /// The banned peer.
    pub peer: PeerId,
    /// When the ban ends.
    pub until: Duration,
}

/// Scores of all known peers and the list of banned ones.
#[derive(Debug, Default)]
pub struct PeerManager {
    config: ScoreConfig,
    scores: HashMap<PeerId, PeerScore>,
    banned: HashMap<PeerId, Duration>,
}

impl PeerManager {
    /// A manager with the given parameters.
    pub fn new(config: ScoreConfig) -> Self {
        Self {
            config,
            scores: HashMap::new(),
            banned: HashMap::new(),
        }
    }

    /// The parameters in force.
    pub fn config(&self) -> &ScoreConfig {
        &self.config
    }

    /// Whether `peer` is banned at `now`.
    pub fn is_banned(&self, peer: &PeerId, now: Duration) -> bool {
        self.banned.get(peer).is_some_and(|until| now < *until)
    }

    /// When `peer`'s ban ends, if banned at `now`.
    pub fn banned_until(&self, peer: &PeerId, now: Duration) -> Option<Duration> {
        self.banned.get(peer).copied().filter(|until| now < *until)
    }

    /// `peer`'s score at `now`, after decay (0 for unknown peers).
    pub fn score(&self, peer: &PeerId, now: Duration) -> f64 {
        self.scores.get(peer).map_or(0.0, |s| {
            let mut s = *s;
            s.decay_to(now, self.config.decay_half_life);
            s.score
        })
    }

    /// Lowers `peer`'s score for `m`; returns the ban if the score fell to the threshold.
    pub fn report(&mut self, peer: PeerId, m: Misbehaviour, now: Duration) -> Option<Ban> {
        let penalty = self.config.penalty(m);
        self.adjust(peer, -penalty, now)
    }

    /// Raises `peer`'s score for a message the node accepted.
    pub fn reward(&mut self, peer: PeerId, now: Duration) {
        let reward = self.config.accepted_message;
        self.adjust(peer, reward, now);
    }

    fn adjust(&mut self, peer: PeerId, delta: f64, now: Duration) -> Option<Ban> {
        if self.is_banned(&peer, now) {
            return None;
        }
        let entry = self.scores.entry(peer).or_insert(PeerScore {
            score: 0.0,
            updated: now,
        });
        entry.decay_to(now, self.config.decay_half_life);
        entry.score = (entry.score + delta).min(self.config.max_score);
        if entry.score > self.config.ban_threshold {
            return None;
        }
        self.scores.remove(&peer);
        let until = now.saturating_add(self.config.ban_duration);
        self.banned.insert(peer, until);
        Some(Ban { peer, until })
    }

    /// Bans `peer` outright until `now + ban_duration` (an operator decision, or a peer
    /// caught doing something the weights do not describe).
    pub fn ban(&mut self, peer: PeerId, now: Duration) -> Ban {
        let until = now.saturating_add(self.config.ban_duration);
        self.scores.remove(&peer);
        self.banned.insert(peer, until);
        Ban { peer, until }
    }

    /// Decays every score, forgets scores that returned to about zero and expired bans.
    pub fn tick(&mut self, now: Duration) {
        let half_life = self.config.decay_half_life;
        self.scores.retain(|_, s| {
            s.decay_to(now, half_life);
            s.score.abs() > 0.01
        });
        self.banned.retain(|_, until| now < *until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: PeerId = PeerId::from_bytes([7; 32]);

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn three_invalid_messages_ban() {
        let mut pm = PeerManager::default();
        assert_eq!(pm.report(P, Misbehaviour::InvalidMessage, secs(1)), None);
        assert_eq!(pm.report(P, Misbehaviour::InvalidMessage, secs(1)), None);
        let ban = pm.report(P, Misbehaviour::InvalidMessage, secs(1)).unwrap();
        assert_eq!(ban.until, secs(601));
        assert!(pm.is_banned(&P, secs(600)));
        assert!(!pm.is_banned(&P, secs(601)));
    }

    #[test]
    fn scores_decay() {
        let mut pm = PeerManager::new(ScoreConfig::default());
        pm.report(P, Misbehaviour::InvalidMessage, secs(0));
        assert!((pm.score(&P, secs(60)) + 10.0).abs() < 1e-9);
        // Spread out, the same faults never reach the threshold.
        for i in 0..10 {
            assert_eq!(
                pm.report(P, Misbehaviour::InvalidMessage, secs(120 * (i + 1))),
                None
            );
        }
        pm.tick(secs(100_000));
        assert_eq!(pm.score(&P, secs(100_000)), 0.0);
    }

    #[test]
    fn rewards_are_capped() {
        let mut pm = PeerManager::new(ScoreConfig::default());
        for _ in 0..1000 {
            pm.reward(P, secs(0));
        }
        assert_eq!(pm.score(&P, secs(0)), 20.0);
        // Capped credit still cannot absorb a sustained attack.
        let bans = (0..4)
            .filter_map(|_| pm.report(P, Misbehaviour::OversizedFrame, secs(0)))
            .count();
        assert_eq!(bans, 1);
    }
}
