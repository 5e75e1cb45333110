//! Game server sessions and atomic joins: every player of a request gets a player session,
//! or none does.

use crate::api_error::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Whether a session takes new players.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum JoinPolicy {
    /// New players are accepted.
    #[default]
    Accept,
    /// New players are refused (ResourceUnavailable).
    Deny,
}

/// How to create a session (CLI `--session ID:CAPACITY`, or the admin API, which refuses
/// fields it does not know).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SessionSpec {
    /// The session's id.
    pub game_server_session_id: String,
    /// How many players it holds at most.
    pub capacity: usize,
    /// The fleet hosting it.
    #[serde(default = "default_fleet")]
    pub fleet_id: String,
    /// `ACTIVE` unless told otherwise; only ACTIVE sessions take players.
    #[serde(default = "default_status")]
    pub status: String,
    /// Accept or deny new players.
    #[serde(default)]
    pub join_policy: JoinPolicy,
    /// The address reported to players.
    #[serde(default = "default_ip")]
    pub ip_address: String,
    /// The port reported to players.
    #[serde(default = "default_port")]
    pub port: u16,
    /// The DNS name reported to players.
    #[serde(default)]
    pub dns_name: String,
}

fn default_fleet() -> String {
    "fleet-emulator".to_string()
}
fn default_status() -> String {
    "ACTIVE".to_string()
}
fn default_ip() -> String {
    "127.0.0.1".to_string()
}
fn default_port() -> u16 {
    7777
}

impl SessionSpec {
    /// A session of `capacity` with every other setting at its default.
    pub fn new(id: impl Into<String>, capacity: usize) -> Self {
        Self {
            game_server_session_id: id.into(),
            capacity,
            fleet_id: default_fleet(),
            status: default_status(),
            join_policy: JoinPolicy::Accept,
            ip_address: default_ip(),
            port: default_port(),
            dns_name: String::new(),
        }
    }

    /// Parses `ID:CAPACITY` (the id may itself contain `:`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (id, capacity) = text
            .rsplit_once(':')
            .ok_or_else(|| format!("--session {text:?}: expected ID:CAPACITY"))?;
        let capacity = capacity.parse().map_err(|_| {
            format!("--session {text:?}: capacity {capacity:?} is not a whole number")
        })?;
        if id.is_empty() {
            return Err(format!("--session {text:?}: the id is empty"));
        }
        Ok(Self::new(id, capacity))
    }
}

struct Session {
    spec: SessionSpec,
    players: BTreeMap<String, Value>,
}

/// Which player sessions a listing returns (every given filter must hold).
#[derive(Clone, Copy, Debug, Default)]
pub struct PlayerSessionFilter<'a> {
    /// Only this game server session's.
    pub game_server_session_id: Option<&'a str>,
    /// Only this player's.
    pub player_id: Option<&'a str>,
    /// Only this player session.
    pub player_session_id: Option<&'a str>,
    /// Only player sessions in this status (RESERVED, ACTIVE, COMPLETED, TIMEDOUT).
    pub status: Option<&'a str>,
}

/// Every session, behind one lock so that a join is atomic.
#[derive(Default)]
pub struct Sessions {
    sessions: Mutex<HashMap<String, Session>>,
    next_id: AtomicU64,
}

impl Sessions {
    /// Creates or replaces a session (emptying it).
    pub fn put(&self, spec: SessionSpec) {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.insert(
            spec.game_server_session_id.clone(),
            Session {
                spec,
                players: BTreeMap::new(),
            },
        );
    }

    /// Removes every session.
    pub fn clear(&self) {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// A session's settings and player sessions, as JSON.
    pub fn describe(&self, id: &str) -> Option<Value> {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.get(id).map(|s| {
            json!({
                "Session": s.spec,
                "Players": s.players.values().collect::<Vec<_>>(),
            })
        })
    }

    /// Every player id held by every session.
    pub fn all_players(&self) -> Vec<(String, String)> {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let mut all: Vec<_> = sessions
            .iter()
            .flat_map(|(sid, s)| s.players.keys().map(move |p| (sid.clone(), p.clone())))
            .collect();
        all.sort();
        all
    }

    /// The player sessions that pass `filter`, ordered by game server session and player id,
    /// from `offset`, at most `limit` of them; and whether more follow.
    pub fn player_sessions(
        &self,
        filter: &PlayerSessionFilter<'_>,
        offset: usize,
        limit: Option<usize>,
    ) -> Result<(Vec<Value>, bool), ApiError> {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = filter.game_server_session_id {
            if !sessions.contains_key(id) {
                return Err(ApiError::new(
                    "ResourceNotFound",
                    format!("the game server session {id:?} does not exist"),
                ));
            }
        }
        let mut ids: Vec<&String> = sessions
            .keys()
            .filter(|id| {
                filter
                    .game_server_session_id
                    .is_none_or(|want| want == id.as_str())
            })
            .collect();
        ids.sort();
        let text = |v: &Value, key: &str| v[key].as_str().map(str::to_string);
        // Players are keyed by id: a player filter is one lookup per session, not a scan.
        let matching = ids
            .into_iter()
            .flat_map(|id| -> Box<dyn Iterator<Item = &Value>> {
                let players = &sessions[id].players;
                match filter.player_id {
                    Some(want) => Box::new(players.get(want).into_iter()),
                    None => Box::new(players.values()),
                }
            })
            .filter(|p| {
                filter
                    .player_session_id
                    .is_none_or(|want| text(p, "PlayerSessionId").as_deref() == Some(want))
            })
            .filter(|p| {
                filter
                    .status
                    .is_none_or(|want| text(p, "Status").as_deref() == Some(want))
            });
        let mut page: Vec<Value> = matching
            .skip(offset)
            .take(limit.map_or(usize::MAX, |l| l.saturating_add(1)))
            .cloned()
            .collect();
        let more = limit.is_some_and(|l| page.len() > l);
        if more {
            page.pop();
        }
        Ok((page, more))
    }

    /// Joins `players` to session `id`, all or none; returns their player sessions.
    pub fn join(
        &self,
        id: &str,
        players: &[String],
        player_data: Option<&str>,
        now_rfc3339: &str,
    ) -> Result<Vec<Value>, ApiError> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let session = sessions.get_mut(id).ok_or_else(|| {
            ApiError::new(
                "ResourceNotFound",
                format!("the game server session {id:?} does not exist"),
            )
        })?;
        if session.spec.status != "ACTIVE" || session.spec.join_policy == JoinPolicy::Deny {
            return Err(ApiError::new(
                "ResourceUnavailable",
                format!(
                    "the game server session {id:?} is not accepting players (status {}, policy {:?})",
                    session.spec.status, session.spec.join_policy
                ),
            ));
        }
        let mut seen = HashSet::new();
        for player in players {
            if !seen.insert(player.as_str()) {
                return Err(ApiError::new(
                    "InvalidParameterValue",
                    format!("`PlayerIds`: the player {player:?} is given twice"),
                ));
            }
            if session.players.contains_key(player) {
                return Err(ApiError::new(
                    "InvalidParameterValue",
                    format!("`PlayerIds`: the player {player:?} is already in the game server session {id:?}"),
                ));
            }
        }
        let free = session.spec.capacity.saturating_sub(session.players.len());
        if players.len() > free {
            return Err(ApiError::new(
                "ResourceInsufficient",
                format!(
                    "the game server session {id:?} has {free} free player slots, {} players were given",
                    players.len()
                ),
            ));
        }
        let spec = &session.spec;
        let created: Vec<Value> = players
            .iter()
            .map(|player| {
                let n = self.next_id.fetch_add(1, Ordering::Relaxed);
                json!({
                    "CreationTime": now_rfc3339,
                    "DnsName": spec.dns_name,
                    "FleetId": spec.fleet_id,
                    "GameServerSessionId": spec.game_server_session_id,
                    "IpAddress": spec.ip_address,
                    "PlayerData": player_data,
                    "PlayerId": player,
                    "PlayerSessionId": format!("psess-{n:012x}"),
                    "Port": spec.port,
                    "Status": "RESERVED",
                    "TerminationTime": null,
                })
            })
            .collect();
        for (player, created) in players.iter().zip(&created) {
            session.players.insert(player.clone(), created.clone());
        }
        Ok(created)
    }
}
