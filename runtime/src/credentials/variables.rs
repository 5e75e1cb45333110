//! The environment variables and the profile name the sources read.

/// Environment variable holding the SecretId.
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// Environment variable holding the SecretKey.
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// Environment variable holding the token of temporary credentials.
pub const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";
/// Environment variable overriding the profile file's path.
pub const ENV_CREDENTIALS_FILE: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
/// The profile read when none is named.
pub const DEFAULT_PROFILE: &str = "default";
/// The credentials file read when the user's own (`~/.tencentcloud/credentials`) does not
/// exist, as the official Python SDK reads it.
pub const SYSTEM_CREDENTIALS_FILE: &str = "/etc/tencentcloud/credentials";
/// Environment variable naming the instance metadata service's base URL (this project's own:
/// the official SDKs have the endpoint fixed), e.g. an emulator's `http://127.0.0.1:8080`.
pub const ENV_METADATA_ENDPOINT: &str = "TENCENTCLOUD_METADATA_ENDPOINT";
/// The instance metadata service of a CVM instance.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://metadata.tencentyun.com";
/// Environment variable naming STS's base URL (this project's own), e.g. an emulator's
/// `http://127.0.0.1:8080`.
pub const ENV_STS_ENDPOINT: &str = "TENCENTCLOUD_STS_ENDPOINT";
/// STS, the service `AssumeRole` is sent to.
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.tencentcloudapi.com";
