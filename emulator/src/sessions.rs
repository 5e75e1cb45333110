//! Game server sessions and atomic joins: every player of a request gets a player session,
//! or none does.

use crate::api_error::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

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
    spec: Arc<SessionSpec>,
    players: BTreeMap<String, Held>,
}

/// What a session holds of one player session beyond the player's id (the rest comes from
/// the session's settings, which do not change while it holds players).
#[derive(Clone)]
struct Held {
    /// The number in its `PlayerSessionId`.
    number: u64,
    /// `CreationTime`, shared by the players of one join.
    created: Arc<str>,
    /// `PlayerData`, shared by the players of one join.
    data: Option<Arc<str>>,
}

/// A player session's `PlayerSessionId`.
struct PlayerSessionId(u64);

impl std::fmt::Display for PlayerSessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "psess-{:012x}", self.0)
    }
}

/// One player session as the API shows it (its fields in the order a JSON tree of it has:
/// by name).
struct PlayerSessionView<'a> {
    spec: &'a SessionSpec,
    player_id: &'a str,
    held: &'a Held,
}

impl Serialize for PlayerSessionView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let spec = self.spec;
        let mut map = serializer.serialize_map(Some(11))?;
        map.serialize_entry("CreationTime", &*self.held.created)?;
        map.serialize_entry("DnsName", &spec.dns_name)?;
        map.serialize_entry("FleetId", &spec.fleet_id)?;
        map.serialize_entry("GameServerSessionId", &spec.game_server_session_id)?;
        map.serialize_entry("IpAddress", &spec.ip_address)?;
        map.serialize_entry("PlayerData", &self.held.data.as_deref())?;
        map.serialize_entry("PlayerId", self.player_id)?;
        map.serialize_entry(
            "PlayerSessionId",
            &Displayed(PlayerSessionId(self.held.number)),
        )?;
        map.serialize_entry("Port", &spec.port)?;
        map.serialize_entry("Status", RESERVED)?;
        map.serialize_entry("TerminationTime", &None::<&str>)?;
        map.end()
    }
}

/// Serializes a value as the string it displays as, without an intermediate `String`.
struct Displayed<T>(T);

impl<T: std::fmt::Display> Serialize for Displayed<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// The status of every player session the emulator creates.
const RESERVED: &str = "RESERVED";

impl Session {
    fn view<'a>(&'a self, player_id: &'a str, held: &'a Held) -> PlayerSessionView<'a> {
        PlayerSessionView {
            spec: &self.spec,
            player_id,
            held,
        }
    }

    /// Every player session as JSON, by player id.
    fn player_values(&self) -> impl Iterator<Item = Value> + '_ {
        self.players
            .iter()
            .map(|(id, held)| serde_json::to_value(self.view(id, held)).unwrap_or_default())
    }
}

/// The player sessions one join created, serialized as the `PlayerSessions` array of its
/// answer.
pub struct Joined {
    spec: Arc<SessionSpec>,
    players: Vec<(String, Held)>,
}

impl Joined {
    /// How many player sessions were created.
    pub fn len(&self) -> usize {
        self.players.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.players.is_empty()
    }
}

impl Serialize for Joined {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.players.iter().map(|(id, held)| PlayerSessionView {
            spec: &self.spec,
            player_id: id,
            held,
        }))
    }
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
                spec: Arc::new(spec),
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
                "Session": &*s.spec,
                "Players": s.player_values().collect::<Vec<_>>(),
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
        // Players are keyed by id: a player filter is one lookup per session, not a scan.
        let matching = ids
            .into_iter()
            .map(|id| &sessions[id])
            .flat_map(
                |session| -> Box<dyn Iterator<Item = (&Session, &String, &Held)>> {
                    let with_session = move |(player_id, held)| (session, player_id, held);
                    match filter.player_id {
                        Some(want) => Box::new(
                            session
                                .players
                                .get_key_value(want)
                                .into_iter()
                                .map(with_session),
                        ),
                        None => Box::new(session.players.iter().map(with_session)),
                    }
                },
            )
            .filter(|(_, _, held)| {
                filter
                    .player_session_id
                    .is_none_or(|want| want == PlayerSessionId(held.number).to_string())
            })
            .filter(|_| filter.status.is_none_or(|want| want == RESERVED));
        let mut page: Vec<Value> = matching
            .skip(offset)
            .take(limit.map_or(usize::MAX, |l| l.saturating_add(1)))
            .map(|(session, player_id, held)| {
                serde_json::to_value(session.view(player_id, held)).unwrap_or_default()
            })
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
    ) -> Result<Joined, ApiError> {
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
        // Few players (as a request carries): compared with those before; many: a set.
        let mut seen = HashSet::new();
        for (i, player) in players.iter().enumerate() {
            let twice = if players.len() <= 32 {
                players[..i].contains(player)
            } else {
                !seen.insert(player.as_str())
            };
            if twice {
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
        let created: Arc<str> = Arc::from(now_rfc3339);
        let data: Option<Arc<str>> = player_data.map(Arc::from);
        let mut joined = Vec::with_capacity(players.len());
        for player in players {
            let held = Held {
                number: self.next_id.fetch_add(1, Ordering::Relaxed),
                created: created.clone(),
                data: data.clone(),
            };
            session.players.insert(player.clone(), held.clone());
            joined.push((player.clone(), held));
        }
        let created = Joined {
            spec: session.spec.clone(),
            players: joined,
        };
        Ok(created)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON tree a player session was built as before it was serialized directly.
    fn as_tree(spec: &SessionSpec, player: &str, n: u64, data: Option<&str>, now: &str) -> Value {
        json!({
            "CreationTime": now,
            "DnsName": spec.dns_name,
            "FleetId": spec.fleet_id,
            "GameServerSessionId": spec.game_server_session_id,
            "IpAddress": spec.ip_address,
            "PlayerData": data,
            "PlayerId": player,
            "PlayerSessionId": format!("psess-{n:012x}"),
            "Port": spec.port,
            "Status": "RESERVED",
            "TerminationTime": null,
        })
    }

    #[test]
    fn joined_player_sessions_serialize_as_their_json_tree_byte_for_byte() {
        let sessions = Sessions::default();
        let mut spec = SessionSpec::new("gssess-\"quoted\"\u{e9}", 10);
        spec.dns_name = "dns.example".to_string();
        sessions.put(spec.clone());
        let now = "2026-11-25T19:50:00Z";
        for data in [None, Some("v \"w\"\n\u{4e2d}")] {
            let players = vec!["p1".to_string(), "p\\2".to_string()];
            let before = sessions.next_id.load(Ordering::Relaxed);
            let joined = sessions
                .join(&spec.game_server_session_id, &players, data, now)
                .unwrap();
            let expected: Vec<Value> = players
                .iter()
                .enumerate()
                .map(|(i, p)| as_tree(&spec, p, before + i as u64, data, now))
                .collect();
            assert_eq!(
                serde_json::to_string(&joined).unwrap(),
                Value::Array(expected.clone()).to_string()
            );
            let described = sessions.describe(&spec.game_server_session_id).unwrap();
            for tree in &expected {
                assert!(
                    described["Players"].as_array().unwrap().contains(tree),
                    "{described}"
                );
            }
            sessions.put(spec.clone());
        }
    }
}
