//! A throwaway `redis-server` as a child process, and `redis-cli` to look into it.

/// Shows the type only.
impl std::fmt::Debug for RedisServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisServer").finish_non_exhaustive()
    }
}

/// A `redis-server` on a free loopback port, without persistence; killed when dropped. Talks to
/// it through `redis-cli` (both come with Debian's `redis-server`, which `.ci/run` installs).
pub struct RedisServer {
    port: u16,
    child: Option<std::process::Child>,
}

impl RedisServer {
    /// Starts one when `redis-server` is installed, or `None` (the test skips, saying why):
    /// see [`crate::available`].
    #[must_use]
    pub fn start_if_installed() -> Option<Self> {
        crate::available(
            "redis-server",
            "install it (Debian: apt-get install redis-server)",
            crate::on_path("redis-server"),
        )
        .then(Self::start)
    }

    /// Starts one and waits until it answers.
    #[must_use]
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let mut redis = Self { port, child: None };
        redis.restart();
        redis
    }

    /// Starts it (again) on its port and waits until it answers.
    pub fn restart(&mut self) {
        let child = std::process::Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is installed (.ci/run installs it)");
        self.child = Some(child);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.cli(&["PING"]).as_deref() != Some("PONG") {
            assert!(std::time::Instant::now() < deadline, "redis-server answers");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Stops it (the port stays this server's, for [`RedisServer::restart`]).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// `redis://127.0.0.1:PORT/0`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// A command's answer as `redis-cli` prints it, or `None` when Redis does not answer.
    #[must_use]
    pub fn cli(&self, command: &[&str]) -> Option<String> {
        let out = std::process::Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(command)
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        (out.status.success() && !text.starts_with("Could not connect") && !text.is_empty())
            .then_some(text)
    }

    /// A command's integer answer.
    #[must_use]
    pub fn int(&self, command: &[&str]) -> Option<i64> {
        self.cli(command)?.parse().ok()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}
