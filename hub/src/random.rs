//! Random bytes from the operating system, for secrets, session tokens and salts.

pub fn bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)
        .map_err(|e| anyhow::anyhow!("the operating system gave no random bytes: {e}"))?;
    Ok(buf)
}

/// 32 random bytes as unpadded base64url: session tokens and CSRF tokens.
pub fn token() -> anyhow::Result<String> {
    use base64::Engine;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes::<32>()?))
}
