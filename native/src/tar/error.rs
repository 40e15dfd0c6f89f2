//! What can go wrong in a tar stream, as the sentence the user reads (without the "where: " that
//! names the source, which the caller adds), made here once for every place that can fail.

/// PAX records, GNU long names and PAX 1.0 sparse maps are capped at this size, as Go's
/// archive/tar caps them: a hostile layer cannot make the reader buffer gigabytes of "header".
pub const MAX_HEADER_RECORD: u64 = 1 << 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkError(pub String);

impl WalkError {
    pub fn truncated() -> WalkError {
        WalkError("archive is truncated".into())
    }

    pub fn not_tar() -> WalkError {
        WalkError("not a tar archive".into())
    }

    pub fn corrupt_header(at: u64) -> WalkError {
        WalkError(format!("corrupt tar header at offset {at}"))
    }

    pub fn size_too_big(at: u64) -> WalkError {
        WalkError(format!("tar entry at offset {at} declares a size of 2^53 bytes or more"))
    }

    /// Past MAX_HEADER_RECORD.
    pub fn header_too_large() -> WalkError {
        WalkError("tar entry header larger than 1 MiB".into())
    }

    pub fn corrupt_pax(at: u64, why: &str) -> WalkError {
        WalkError(format!("corrupt PAX header at offset {at} ({why})"))
    }

    pub fn corrupt_sparse_map(at: u64) -> WalkError {
        WalkError(format!("corrupt sparse map in tar entry at offset {at}"))
    }
}
