//! Game server sessions and atomic joins: every player of a request gets a player session,
//! or none does.

use crate::api_error::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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

/// How to create a session (CLI `--session ID:CAPACITY[@SECRET_ID]`, or the admin API, which
/// refuses fields it does not know).
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
    /// The SecretId of the account the session is theirs alone: to every other account it
    /// does not exist (`ResourceNotFound`), as another account's resources on the service.
    /// `None`: every account's (the default, as the demo session is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

fn default_fleet() -> String {
    "fleet-emulator".to_owned()
}
fn default_status() -> String {
    "ACTIVE".to_owned()
}
fn default_ip() -> String {
    "127.0.0.1".to_owned()
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
            owner: None,
        }
    }

    /// The same session, the account `secret_id`'s alone.
    #[must_use]
    pub fn owned_by(mut self, secret_id: impl Into<String>) -> Self {
        self.owner = Some(secret_id.into());
        self
    }

    /// Whether the account `secret_id` sees the session (`None`: the emulator's own use,
    /// which sees every session).
    fn visible_to(&self, secret_id: Option<&str>) -> bool {
        match (&self.owner, secret_id) {
            (Some(owner), Some(account)) => owner == account,
            _ => true,
        }
    }

    /// Parses `ID:CAPACITY[@SECRET_ID]` (the id may itself contain `:` and `@`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (spec, owner) = match text.rsplit_once('@') {
            Some((spec, owner)) if !owner.contains(':') && spec.contains(':') => {
                if owner.is_empty() {
                    return Err(format!("--session {text:?}: the SecretId after @ is empty"));
                }
                (spec, Some(owner))
            }
            _ => (text, None),
        };
        let (id, capacity) = spec
            .rsplit_once(':')
            .ok_or_else(|| format!("--session {text:?}: expected ID:CAPACITY[@SECRET_ID]"))?;
        let capacity = capacity.parse().map_err(|_| {
            format!("--session {text:?}: capacity {capacity:?} is not a whole number")
        })?;
        if id.is_empty() {
            return Err(format!("--session {text:?}: the id is empty"));
        }
        let spec = Self::new(id, capacity);
        Ok(match owner {
            Some(owner) => spec.owned_by(owner),
            None => spec,
        })
    }
}

struct Session {
    spec: Arc<SessionSpec>,
    /// The settings as each player session's JSON shows them, written once.
    shown: Arc<ShownSpec>,
    /// By player id (a B-tree: its memory is reused as sessions fill and empty, where a
    /// hash table's large reallocations left the process's memory growing under load).
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

/// A session's settings as the JSON of each of its player sessions shows them (compact,
/// fields by name), written once per session: each join writes only what is its own.
struct ShownSpec {
    /// `,"DnsName":…,"FleetId":…,"GameServerSessionId":…,"IpAddress":…,"PlayerData":`
    middle: Vec<u8>,
    /// `,"Port":…,"Status":"RESERVED","TerminationTime":null}`
    tail: Vec<u8>,
}

impl ShownSpec {
    fn of(spec: &SessionSpec) -> Self {
        let mut middle = Vec::new();
        for (name, value) in [
            ("DnsName", &spec.dns_name),
            ("FleetId", &spec.fleet_id),
            ("GameServerSessionId", &spec.game_server_session_id),
            ("IpAddress", &spec.ip_address),
        ] {
            middle.extend_from_slice(b",\"");
            middle.extend_from_slice(name.as_bytes());
            middle.extend_from_slice(b"\":");
            json_string(&mut middle, value);
        }
        middle.extend_from_slice(b",\"PlayerData\":");
        let mut tail = format!(",\"Port\":{},\"Status\":", spec.port).into_bytes();
        json_string(&mut tail, RESERVED);
        tail.extend_from_slice(b",\"TerminationTime\":null}");
        Self { middle, tail }
    }
}

/// Appends `text` as a JSON string, escaped as serde_json escapes it.
pub(crate) fn json_string(out: &mut Vec<u8>, text: &str) {
    // Writing a string into a Vec cannot fail.
    let _ = text.serialize(&mut serde_json::Serializer::new(out));
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
}

/// Shows the type only: its state is large, or holds keys.
impl std::fmt::Debug for Joined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Joined").finish_non_exhaustive()
    }
}

/// The player sessions one join created.
pub struct Joined {
    shown: Arc<ShownSpec>,
    /// `CreationTime`'s JSON.
    created: Vec<u8>,
    /// `PlayerData`'s JSON (`null` when none).
    data: Vec<u8>,
    /// Each player's id and `PlayerSessionId` number.
    players: Vec<(String, u64)>,
}

impl Joined {
    /// How many player sessions were created.
    #[must_use]
    pub fn len(&self) -> usize {
        self.players.len()
    }

    /// Whether none was.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.players.is_empty()
    }

    /// Appends the `PlayerSessions` array of the join's answer: the bytes serde_json writes
    /// for the JSON tree of these player sessions.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        use std::io::Write;
        out.push(b'[');
        for (i, (player, number)) in self.players.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"CreationTime\":");
            out.extend_from_slice(&self.created);
            out.extend_from_slice(&self.shown.middle);
            out.extend_from_slice(&self.data);
            out.extend_from_slice(b",\"PlayerId\":");
            json_string(out, player);
            // Writing into a Vec cannot fail.
            let _ = write!(out, ",\"PlayerSessionId\":\"{}\"", PlayerSessionId(*number));
            out.extend_from_slice(&self.shown.tail);
        }
        out.push(b']');
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
    /// Only sessions this account sees (its own and every account's); `None`: all.
    pub account: Option<&'a str>,
}

/// Shows the type only: its state is large, or holds keys.
impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions").finish_non_exhaustive()
    }
}

/// Player sessions in a page of `GET /_emulator/sessions/ID` unless `limit` says otherwise.
pub const ADMIN_PAGE_DEFAULT: usize = 1_000;
/// The most player sessions a page of `GET /_emulator/sessions/ID` may ask for.
pub const ADMIN_PAGE_MAX: usize = 10_000;

/// One page of a session as the admin API shows it.
pub struct SessionPage {
    spec: Arc<SessionSpec>,
    players: Vec<(String, Held)>,
    /// The last player of the page, when more follow.
    next_after: Option<String>,
}

/// Shows the type only: its state is large.
impl std::fmt::Debug for SessionPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionPage").finish_non_exhaustive()
    }
}

impl SessionPage {
    /// `{"Session": …, "Players": […], "NextAfter": last player id or null}`.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let players: Vec<Value> = self
            .players
            .iter()
            .map(|(id, held)| {
                serde_json::to_value(PlayerSessionView {
                    spec: &self.spec,
                    player_id: id,
                    held,
                })
                .unwrap_or_default()
            })
            .collect();
        json!({
            "Session": &*self.spec,
            "Players": players,
            "NextAfter": self.next_after,
        })
    }
}

/// The most sessions the emulator holds unless configured otherwise.
pub const DEFAULT_MAX_SESSIONS: usize = 10_000;
/// The most players the emulator holds in all its sessions unless configured otherwise.
pub const DEFAULT_MAX_PLAYERS: usize = 10_000_000;

/// Every session, behind one lock so that a join is atomic; at most `max_sessions` of them
/// and `max_players` players in all, so that a long-lived shared emulator cannot be grown
/// without bound.
pub struct Sessions {
    sessions: Mutex<HashMap<String, Session>>,
    next_id: AtomicU64,
    /// Players held in all sessions (changed only under the lock).
    held: AtomicUsize,
    max_sessions: usize,
    max_players: usize,
}

impl Default for Sessions {
    fn default() -> Self {
        Self::with_bounds(DEFAULT_MAX_SESSIONS, DEFAULT_MAX_PLAYERS)
    }
}

impl Sessions {
    /// No sessions yet; at most `max_sessions` and `max_players` players in all.
    #[must_use]
    pub fn with_bounds(max_sessions: usize, max_players: usize) -> Self {
        Self {
            sessions: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            held: AtomicUsize::new(0),
            max_sessions,
            max_players,
        }
    }

    /// Creates or replaces a session (emptying it), whatever the bound (the configured
    /// sessions, which the configuration's check bounds).
    pub fn put(&self, spec: SessionSpec) {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        self.insert(&mut sessions, spec);
    }

    /// Creates or replaces a session (emptying it); a new one beyond the most sessions is
    /// refused with `LimitExceeded`.
    pub fn try_put(&self, spec: SessionSpec) -> Result<(), ApiError> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        if !sessions.contains_key(&spec.game_server_session_id)
            && sessions.len() >= self.max_sessions
        {
            return Err(ApiError::new(
                "LimitExceeded",
                format!(
                    "the emulator holds at most {} game server sessions, and holds {}",
                    self.max_sessions,
                    sessions.len()
                ),
            ));
        }
        self.insert(&mut sessions, spec);
        Ok(())
    }

    fn insert(&self, sessions: &mut HashMap<String, Session>, spec: SessionSpec) {
        let replaced = sessions.insert(
            spec.game_server_session_id.clone(),
            Session {
                shown: Arc::new(ShownSpec::of(&spec)),
                spec: Arc::new(spec),
                players: BTreeMap::new(),
            },
        );
        if let Some(old) = replaced {
            self.held.fetch_sub(old.players.len(), Ordering::Relaxed);
        }
    }

    /// Removes every session.
    pub fn clear(&self) {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.clear();
        self.held.store(0, Ordering::Relaxed);
    }

    /// A session's settings and all its player sessions, as JSON: read a page at a time
    /// ([`Sessions::describe_page`]), so that joins wait for no more than a page.
    pub fn describe(&self, id: &str) -> Option<Value> {
        let mut page = self.describe_page(id, None, ADMIN_PAGE_DEFAULT)?;
        let mut players = std::mem::take(&mut page.players);
        while let Some(after) = page.next_after.take() {
            let Some(next) = self.describe_page(id, Some(&after), ADMIN_PAGE_DEFAULT) else {
                break;
            };
            page = next;
            players.append(&mut page.players);
        }
        page.players = players;
        Some(page.to_json())
    }

    /// One page of a session's player sessions: at most `limit`, by player id, after the
    /// player `after`. Only the page is copied under the lock (its strings shared, not
    /// cloned); its JSON is written after, so a session of any size holds joins up for no
    /// longer than a page.
    pub fn describe_page(
        &self,
        id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Option<SessionPage> {
        use std::ops::Bound;
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let session = sessions.get(id)?;
        let from = after.map_or(Bound::Unbounded, Bound::Excluded);
        let mut players: Vec<(String, Held)> = session
            .players
            .range::<str, _>((from, Bound::Unbounded))
            .take(limit.saturating_add(1))
            .map(|(id, held)| (id.clone(), held.clone()))
            .collect();
        let spec = session.spec.clone();
        drop(sessions);
        let next_after = if players.len() > limit {
            players.truncate(limit);
            players.last().map(|(id, _)| id.clone())
        } else {
            None
        };
        Some(SessionPage {
            spec,
            players,
            next_after,
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
    /// from `offset`, at most `limit` of them, appended to `out` as a JSON array (the bytes
    /// serde_json writes for their JSON tree); how many, and whether more follow.
    pub fn player_sessions(
        &self,
        filter: &PlayerSessionFilter<'_>,
        offset: usize,
        limit: Option<usize>,
        out: &mut Vec<u8>,
    ) -> Result<(usize, bool), ApiError> {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = filter.game_server_session_id {
            if !sessions
                .get(id)
                .is_some_and(|s| s.spec.visible_to(filter.account))
            {
                return Err(ApiError::new(
                    "ResourceNotFound",
                    format!("the game server session {id:?} does not exist"),
                ));
            }
        }
        let mut ids: Vec<&String> = sessions
            .iter()
            .filter(|(id, session)| {
                session.spec.visible_to(filter.account)
                    && filter
                        .game_server_session_id
                        .is_none_or(|want| want == id.as_str())
            })
            .map(|(id, _)| id)
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
        let mut page: Vec<PlayerSessionView<'_>> = matching
            .skip(offset)
            .take(limit.map_or(usize::MAX, |l| l.saturating_add(1)))
            .map(|(session, player_id, held)| session.view(player_id, held))
            .collect();
        let more = limit.is_some_and(|l| page.len() > l);
        if more {
            page.pop();
        }
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, &page);
        Ok((page.len(), more))
    }

    /// Joins `players` to session `id`, all or none; returns their player sessions.
    pub fn join(
        &self,
        id: &str,
        players: &[String],
        player_data: Option<&str>,
        now_rfc3339: &str,
    ) -> Result<Joined, ApiError> {
        self.join_as(None, id, players, player_data, now_rfc3339)
    }

    /// [`Sessions::join`] for the account `secret_id`: a session it does not see does not
    /// exist.
    pub fn join_as(
        &self,
        secret_id: Option<&str>,
        id: &str,
        players: &[String],
        player_data: Option<&str>,
        now_rfc3339: &str,
    ) -> Result<Joined, ApiError> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let session = sessions
            .get_mut(id)
            .filter(|s| s.spec.visible_to(secret_id))
            .ok_or_else(|| {
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
        let held = self.held.load(Ordering::Relaxed);
        if held.saturating_add(players.len()) > self.max_players {
            return Err(ApiError::new(
                "LimitExceeded",
                format!(
                    "the emulator holds at most {} players in all its sessions, and holds {held}; {} were given",
                    self.max_players,
                    players.len()
                ),
            ));
        }
        self.held.fetch_add(players.len(), Ordering::Relaxed);
        let created: Arc<str> = Arc::from(now_rfc3339);
        let data: Option<Arc<str>> = player_data.map(Arc::from);
        let mut joined = Vec::with_capacity(players.len());
        for player in players {
            let held = Held {
                number: self.next_id.fetch_add(1, Ordering::Relaxed),
                created: created.clone(),
                data: data.clone(),
            };
            joined.push((player.clone(), held.number));
            session.players.insert(player.clone(), held);
        }
        let mut created_json = Vec::with_capacity(now_rfc3339.len() + 2);
        json_string(&mut created_json, now_rfc3339);
        let mut data_json = Vec::new();
        match player_data {
            Some(text) => json_string(&mut data_json, text),
            None => data_json.extend_from_slice(b"null"),
        }
        Ok(Joined {
            shown: session.shown.clone(),
            created: created_json,
            data: data_json,
            players: joined,
        })
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
        let mut spec = SessionSpec::new("gssess-\"quoted\"\u{e9}\u{1}</", 10);
        spec.dns_name = "dns.example\t\\".to_owned();
        spec.port = 65535;
        sessions.put(spec.clone());
        let now = "2026-11-25T19:50:00Z";
        for data in [None, Some("v \"w\"\n\u{4e2d}")] {
            let players = vec!["p1".to_owned(), "p\\2".to_owned()];
            let before = sessions.next_id.load(Ordering::Relaxed);
            let joined = sessions
                .join(&spec.game_server_session_id, &players, data, now)
                .unwrap();
            let expected: Vec<Value> = players
                .iter()
                .enumerate()
                .map(|(i, p)| as_tree(&spec, p, before + i as u64, data, now))
                .collect();
            let mut written = Vec::new();
            joined.write_json(&mut written);
            assert_eq!(
                String::from_utf8(written).unwrap(),
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

    #[test]
    fn listed_player_sessions_serialize_as_their_json_tree_byte_for_byte() {
        let sessions = Sessions::default();
        let mut spec = SessionSpec::new("gssess-list\"\u{e9}", 10);
        spec.ip_address = "10.0.0.\u{1}".to_owned();
        sessions.put(spec.clone());
        let now = "2026-11-25T20:50:00Z";
        let players: Vec<String> = ["b", "a\"", "c\u{4e2d}"].map(String::from).into();
        let first = sessions.next_id.load(Ordering::Relaxed);
        sessions
            .join(&spec.game_server_session_id, &players, Some("d\n"), now)
            .unwrap();
        let mut trees: Vec<(String, Value)> = players
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    p.clone(),
                    as_tree(&spec, p, first + i as u64, Some("d\n"), now),
                )
            })
            .collect();
        trees.sort_by(|a, b| a.0.cmp(&b.0));
        let filter = PlayerSessionFilter::default();
        for (offset, limit) in [(0, None), (0, Some(2)), (2, Some(2)), (1, Some(1))] {
            let mut out = Vec::new();
            let (count, more) = sessions
                .player_sessions(&filter, offset, limit, &mut out)
                .unwrap();
            let expected: Vec<Value> = trees
                .iter()
                .skip(offset)
                .take(limit.unwrap_or(usize::MAX))
                .map(|(_, t)| t.clone())
                .collect();
            assert_eq!(count, expected.len());
            assert_eq!(more, offset + count < trees.len());
            assert_eq!(
                String::from_utf8(out).unwrap(),
                Value::Array(expected).to_string()
            );
        }
    }
}
