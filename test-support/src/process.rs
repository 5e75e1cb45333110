//! The emulator's binary as a child process on a free loopback port.

/// Shows the type only.
impl std::fmt::Debug for EmulatorBinary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorBinary").finish_non_exhaustive()
    }
}

/// The emulator's binary, started on a free loopback port; killed when dropped.
pub struct EmulatorBinary {
    child: std::process::Child,
    stdout: std::io::BufReader<std::process::ChildStdout>,
    /// `http://127.0.0.1:PORT`, from the line the binary prints first.
    pub url: String,
}

impl EmulatorBinary {
    /// Starts `PROGRAM --listen 127.0.0.1:0 ARGS...` and reads its `listening on` line.
    #[must_use]
    pub fn start(program: &std::path::Path, args: &[&str]) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(program)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start the emulator binary");
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the first line announces the address: {line:?}"))
            .to_owned();
        assert!(
            url.starts_with("http://127.0.0.1:") || url.starts_with("https://127.0.0.1:"),
            "it binds to loopback: {url}"
        );
        Self { child, stdout, url }
    }

    /// The process id.
    #[must_use]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The port it listens on.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Stops it and returns everything it printed (the first line included).
    #[must_use]
    pub fn stop_and_collect_output(mut self) -> String {
        use std::io::Read;
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut printed = format!("listening on {}\n", self.url);
        let _ = self.stdout.read_to_string(&mut printed);
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut printed);
        }
        printed
    }
}

impl Drop for EmulatorBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
