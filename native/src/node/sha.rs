//! Layer digests computed by the OpenSSL Node carries — every Node binary exports its libcrypto
//! symbols to addons, as it exports zlib's and libzstd's — on libuv's thread pool, so that the
//! SHA-256 of a large blob runs beside the walk on another core instead of on the main thread
//! (issue 14: hashing one blob after another there made a Docker 25 archive 3× slower than the
//! same image saved without digests). `cargo test` has no Node to resolve the symbols from and
//! links the system's libcrypto.so.3 instead.

use std::ffi::{c_int, c_uint, c_void};
use std::ptr::NonNull;

// For `cargo test` only: the runtime library itself (libcrypto.so.3, in every Debian install
// through libssl3), so that no -dev package is needed; the addon takes the symbols from node.
#[cfg_attr(all(test, target_os = "linux"), link(name = "libcrypto.so.3", kind = "dylib", modifiers = "+verbatim"))]
#[cfg_attr(all(test, not(target_os = "linux")), link(name = "crypto"))]
extern "C" {
    fn EVP_sha256() -> *const c_void;
    fn EVP_sha512() -> *const c_void;
    fn EVP_MD_CTX_new() -> *mut c_void;
    fn EVP_MD_CTX_free(ctx: *mut c_void);
    fn EVP_DigestInit_ex(ctx: *mut c_void, md: *const c_void, engine: *mut c_void) -> c_int;
    fn EVP_DigestUpdate(ctx: *mut c_void, data: *const c_void, len: usize) -> c_int;
    fn EVP_DigestFinal_ex(ctx: *mut c_void, md: *mut u8, len: *mut c_uint) -> c_int;
}

/// EVP_MAX_MD_SIZE: SHA-512's 64 bytes.
const MAX_MD_SIZE: usize = 64;

/// One running digest: sha256 or sha512, the algorithms a valid digest string can name.
pub struct Sha {
    ctx: NonNull<c_void>,
}

// Safety: the EVP_MD_CTX is owned by this value alone and used by one thread at a time.
unsafe impl Send for Sha {}

impl Sha {
    /// None for an algorithm other than "sha256" and "sha512", or when OpenSSL cannot start one.
    pub fn new(algorithm: &str) -> Option<Sha> {
        // Safety: EVP_sha256/EVP_sha512 take nothing and return a static method table.
        let md = match algorithm {
            "sha256" => unsafe { EVP_sha256() },
            "sha512" => unsafe { EVP_sha512() },
            _ => return None,
        };
        // Safety: EVP_MD_CTX_new takes nothing; a null answer is handled below.
        let ctx = NonNull::new(unsafe { EVP_MD_CTX_new() })?;
        let sha = Sha { ctx };
        // Safety: `ctx` is a fresh context (freed by Drop) and `md` a valid method table.
        if unsafe { EVP_DigestInit_ex(sha.ctx.as_ptr(), md, std::ptr::null_mut()) } != 1 {
            return None;
        }
        Some(sha)
    }

    pub fn update(&mut self, bytes: &[u8]) {
        // Safety: the context was initialised in new(); `bytes` is valid for its length. It only
        // fails on a context that was never initialised.
        unsafe { EVP_DigestUpdate(self.ctx.as_ptr(), bytes.as_ptr().cast(), bytes.len()) };
    }

    /// The digest in lowercase hex.
    pub fn finish(self) -> String {
        let mut md = [0u8; MAX_MD_SIZE];
        let mut len: c_uint = 0;
        // Safety: `md` has room for the largest digest OpenSSL writes; `len` is a valid out-pointer.
        unsafe { EVP_DigestFinal_ex(self.ctx.as_ptr(), md.as_mut_ptr(), &mut len) };
        md[..(len as usize).min(MAX_MD_SIZE)].iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl Drop for Sha {
    fn drop(&mut self) {
        // Safety: the context came from EVP_MD_CTX_new and is freed exactly once, here.
        unsafe { EVP_MD_CTX_free(self.ctx.as_ptr()) };
    }
}

#[cfg(test)]
mod tests {
    use super::Sha;

    fn hex(alg: &str, parts: &[&[u8]]) -> String {
        let mut s = Sha::new(alg).unwrap();
        for p in parts {
            s.update(p);
        }
        s.finish()
    }

    #[test]
    fn sha256_and_sha512_of_known_strings() {
        assert_eq!(hex("sha256", &[b""]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex("sha256", &[b"a", b"bc"]), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            hex("sha512", &[b"abc"]),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
    }

    #[test]
    fn other_algorithms_are_refused() {
        assert!(Sha::new("md5").is_none());
        assert!(Sha::new("SHA256").is_none());
    }
}
