//! The ELF file header: the fields the parser uses, read for either class and byte order, and
//! the two checks that need no bytes past it — the section header table lies inside the file,
//! and the program header count behind PN_XNUM.

use crate::bytes::Reader;
use crate::error::Fail;

/// e_phnum's escape value: the real count is in section header 0's sh_info.
pub const PN_XNUM: u16 = 0xffff;

/// The fields of the file header this parser uses.
pub struct Header {
    pub wide: bool,
    pub e_type: u16,
    pub e_machine: u16,
    pub e_flags: u32,
    pub phoff: u64,
    pub phentsize: u16,
    pub phnum: u16,
    pub shoff: u64,
    pub shentsize: u16,
    pub shnum: u16,
}

pub fn header(r: &Reader<'_>, wide: bool) -> Result<Header, Fail> {
    const W: &str = "ELF header is truncated";
    r.bytes(0, if wide { 64 } else { 52 }, W)?;
    let e_type = r.u16(16, W)?;
    let e_machine = r.u16(18, W)?;
    Ok(if wide {
        Header {
            wide,
            e_type,
            e_machine,
            phoff: r.u64(32, W)?,
            shoff: r.u64(40, W)?,
            e_flags: r.u32(48, W)?,
            phentsize: r.u16(54, W)?,
            phnum: r.u16(56, W)?,
            shentsize: r.u16(58, W)?,
            shnum: r.u16(60, W)?,
        }
    } else {
        Header {
            wide,
            e_type,
            e_machine,
            phoff: u64::from(r.u32(28, W)?),
            shoff: u64::from(r.u32(32, W)?),
            e_flags: r.u32(36, W)?,
            phentsize: r.u16(42, W)?,
            phnum: r.u16(44, W)?,
            shentsize: r.u16(46, W)?,
            shnum: r.u16(48, W)?,
        }
    })
}

/// The section header table usually sits at the very end of the file, so a file cut short
/// (a partial download, a truncated layer) shows here first. No bytes are read.
pub fn check_section_table(r: &Reader<'_>, h: &Header) -> Result<(), Fail> {
    if h.shoff == 0 {
        return Ok(());
    }
    // shnum 0 with a table present means the real count is in entry 0: at least that one exists.
    let count = u64::from(h.shnum.max(1));
    let size = count * u64::from(h.shentsize);
    r.check_in_file(h.shoff, size, "section header table lies past the end of the file")?;
    Ok(())
}

pub fn program_header_count(r: &Reader<'_>, h: &Header) -> Result<u64, Fail> {
    if h.phnum != PN_XNUM {
        return Ok(u64::from(h.phnum));
    }
    let (shentsize, sh_info_at) = if h.wide { (64, 44) } else { (40, 28) };
    if h.shoff == 0 || u64::from(h.shentsize) != shentsize {
        return Err(Fail::bad("extended program header count (PN_XNUM) without section header 0", 0));
    }
    let real = r.u32(h.shoff + sh_info_at, "section header 0 lies past the end of the file")?;
    Ok(u64::from(real))
}
