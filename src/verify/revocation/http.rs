//! A blocking HTTP fetcher on `ureq` (feature `http`, off by default).

use std::io::Read;
use std::time::Duration;

use super::{FetchError, RevocationFetcher};

/// Blocking HTTP fetcher for OCSP (POST) and CRLs (GET): plain `http://` URLs (the Belgian
/// responders' and CRL URLs, spec §12.2), a timeout, a size limit.
#[derive(Debug, Clone)]
pub struct HttpFetcher {
    agent: ureq::Agent,
    max_len: u64,
}

impl Default for HttpFetcher {
    fn default() -> Self {
        HttpFetcher::new(Duration::from_secs(10))
    }
}

impl HttpFetcher {
    /// A fetcher with this overall timeout per request and a 16 MiB size limit.
    pub fn new(timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build();
        HttpFetcher {
            agent: config.into(),
            max_len: 16 << 20,
        }
    }

    fn read(&self, response: ureq::http::Response<ureq::Body>) -> Result<Vec<u8>, FetchError> {
        let status = response.status().as_u16();
        if status != 200 {
            return Err(FetchError::Status(status));
        }
        let mut out = Vec::new();
        response
            .into_body()
            .into_reader()
            .take(self.max_len + 1)
            .read_to_end(&mut out)
            .map_err(|_| FetchError::Network)?;
        if out.len() as u64 > self.max_len {
            return Err(FetchError::TooLarge);
        }
        Ok(out)
    }
}

fn check_url(url: &str) -> Result<(), FetchError> {
    if url.starts_with("http://") {
        Ok(())
    } else {
        Err(FetchError::UnsupportedUrl)
    }
}

impl RevocationFetcher for HttpFetcher {
    fn fetch_ocsp(&mut self, url: &str, request: &[u8]) -> Result<Vec<u8>, FetchError> {
        check_url(url)?;
        let response = self
            .agent
            .post(url)
            .header("Content-Type", "application/ocsp-request")
            .send(request)
            .map_err(|_| FetchError::Network)?;
        self.read(response)
    }

    fn fetch_crl(&mut self, url: &str) -> Result<Vec<u8>, FetchError> {
        check_url(url)?;
        let response = self
            .agent
            .get(url)
            .call()
            .map_err(|_| FetchError::Network)?;
        self.read(response)
    }
}
