//! What every request handler shares: the spec's rules, the accounts, the rate limiters, the
//! sessions, the counters and the faults; made from a configuration, reset to its start.

use crate::auth::Verifier;
use crate::config::EmulatorConfig;
use crate::faults::Faults;
use crate::rate::RateLimiter;
use crate::sessions::{SessionSpec, Sessions};
use crate::spec_rules::SpecRules;
use crate::stats::Stats;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Everything a request handler needs.
pub(crate) struct Emulator {
    /// The spec's actions, limits and rates.
    pub(crate) rules: SpecRules,
    /// The accounts whose signatures are accepted, and the temporary credentials issued.
    pub(crate) verifier: Verifier,
    /// The same accounts, for STS calls (their scope's service is `sts`).
    pub(crate) sts_verifier: Verifier,
    /// One rate limiter per action, by name.
    pub(crate) limiters: HashMap<String, RateLimiter>,
    /// The game server sessions and their players.
    pub(crate) sessions: Sessions,
    /// The sessions at start (and after a reset).
    pub(crate) initial_sessions: Vec<SessionSpec>,
    /// The counters.
    pub(crate) stats: Stats,
    /// The fault injection.
    pub(crate) faults: Faults,
    /// Largest API request body accepted.
    pub(crate) max_body_bytes: usize,
    /// How long a client may take to send a body.
    pub(crate) body_read_timeout: Duration,
    /// The CAM role whose instance metadata is served, if any.
    pub(crate) cvm_role: Option<String>,
    /// How long issued temporary credentials are accepted.
    pub(crate) credentials_lifetime: Duration,
    /// The OIDC provider id and the web-identity token STS trusts, if any.
    pub(crate) web_identity: Option<(String, String)>,
    /// The token the admin API requires, if any.
    pub(crate) admin_token: Option<crate::config::AdminToken>,
}

impl Emulator {
    /// The handlers' state from a configuration, without [`EmulatorConfig::validate`] (tests
    /// build states no start would accept).
    pub(crate) fn from_config(config: &EmulatorConfig) -> Result<Arc<Self>, String> {
        let rules = match &config.spec_yaml {
            Some(text) => SpecRules::from_yaml(text)?,
            None => SpecRules::embedded(),
        };
        let verifier = Verifier::new(&rules.service, config.max_skew_secs, &config.accounts)?;
        let sts_verifier = Verifier::new(
            crate::auth::STS_SERVICE,
            config.max_skew_secs,
            &config.accounts,
        )?;
        let limiters = rules
            .actions
            .values()
            .map(|a| {
                let rate = config.rate_limit.unwrap_or(a.rate_limit);
                (a.name.clone(), RateLimiter::new(rate))
            })
            .collect();
        let state = Arc::new(Self {
            verifier,
            sts_verifier,
            limiters,
            sessions: Sessions::with_bounds(config.max_sessions, config.max_players),
            initial_sessions: config.sessions.clone(),
            stats: Stats::default(),
            faults: Faults::new(config.faults.clone()),
            max_body_bytes: config.max_body_bytes,
            body_read_timeout: config.body_read_timeout,
            cvm_role: config.cvm_role.clone(),
            credentials_lifetime: config.temporary_credentials_lifetime,
            web_identity: config.web_identity.clone(),
            admin_token: config.admin_token.clone(),
            rules,
        });
        state.reset();
        Ok(state)
    }

    /// Back to the state at start: configured sessions, empty; counters and rate windows zero.
    pub(crate) fn reset(&self) {
        self.sessions.clear();
        for spec in &self.initial_sessions {
            self.sessions.put(spec.clone());
        }
        self.stats.reset();
        self.verifier.forget_issued();
        self.limiters.values().for_each(RateLimiter::reset);
    }
}
