//! The card's file tree and the SELECT resolution rules (spec §2.1, §3.1, §14 item 2).
//!
//! The tree is fixed: the MF `3F00` holds EF(DIR) `2F00` and the two DFs `DF00` (PKCS#15,
//! certificates) and `DF01` (identity files); every EF is transparent. Which EFs exist is
//! decided by the [`CardImage`](crate::CardImage): a file missing from the image answers `6A 82`.
//!
//! Current-file rules (the old middleware emulator's model, MW-EMU, which every studied reader
//! works with; real-card search rules beyond it are undocumented, spec §15 item 4):
//! * selecting a DF makes it current and leaves no current EF;
//! * selecting an EF makes it current and its parent DF current;
//! * `P1 = 02` resolves a FID among the children of the current DF, except `3F00`, which always
//!   selects the MF. So after reset `00 A4 02 0C 02 50 37` answers `6A 82`, and eid-mw falls back
//!   to `3F00`, `DF00`, `5037` (spec §13.1 step 5);
//! * `P1 = 08` paths start at the MF, with or without a leading `3F00`; `3F00` alone selects the
//!   MF.
//! * a failed SELECT leaves the current files unchanged.

use beid::FileId;

/// A dedicated file of the Belpic tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Df {
    /// `3F00`.
    Mf,
    /// `DF00`, DF(BELPIC), the PKCS#15 application.
    Belpic,
    /// `DF01`, DF(ID).
    Id,
}

impl Df {
    /// The value `FileId::df` uses for files in this DF.
    const fn as_parent(self) -> Option<u16> {
        match self {
            Df::Mf => None,
            Df::Belpic => Some(0xDF00),
            Df::Id => Some(0xDF01),
        }
    }

    fn from_parent(parent: Option<u16>) -> Df {
        match parent {
            Some(0xDF00) => Df::Belpic,
            Some(0xDF01) => Df::Id,
            _ => Df::Mf,
        }
    }
}

/// What a SELECT found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    Df(Df),
    Ef(FileId),
}

/// The current DF and EF.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FileSystem {
    current_df: Df,
    current_ef: Option<FileId>,
}

impl Default for FileSystem {
    fn default() -> Self {
        FileSystem {
            current_df: Df::Mf,
            current_ef: None,
        }
    }
}

impl FileSystem {
    /// State after power-on, reset or applet selection: MF current, no EF (spec §1.3).
    pub(crate) fn reset(&mut self) {
        *self = FileSystem::default();
    }

    pub(crate) fn current_ef(&self) -> Option<FileId> {
        self.current_ef
    }

    #[cfg(test)]
    pub(crate) fn current_df(&self) -> Df {
        self.current_df
    }

    /// Make `node` current.
    pub(crate) fn enter(&mut self, node: Node) {
        match node {
            Node::Df(df) => {
                self.current_df = df;
                self.current_ef = None;
            }
            Node::Ef(file) => {
                self.current_df = Df::from_parent(file.df());
                self.current_ef = Some(file);
            }
        }
    }

    /// `P1 = 02`: resolve `fid` against the current DF (`3F00` is always the MF).
    pub(crate) fn resolve_fid(&self, fid: u16, exists: impl Fn(FileId) -> bool) -> Option<Node> {
        if fid == 0x3F00 {
            return Some(Node::Df(Df::Mf));
        }
        child(self.current_df, fid, &exists)
    }

    /// `P1 = 08`: resolve an absolute path (pairs of bytes), with or without a leading `3F00`.
    /// `None` when the path is malformed or leads nowhere (the caller answers `6A 82`).
    pub(crate) fn resolve_path(path: &[u8], exists: impl Fn(FileId) -> bool) -> Option<Node> {
        let mut fids = path
            .chunks_exact(2)
            .map(|c| match c {
                [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                _ => 0,
            })
            .peekable();
        if path.is_empty() || path.len() & 1 != 0 {
            return None;
        }
        if fids.peek() == Some(&0x3F00) {
            fids.next();
        }
        let mut node = Node::Df(Df::Mf);
        for fid in fids {
            let Node::Df(df) = node else {
                return None; // an EF in the middle of a path
            };
            node = child(df, fid, &exists)?;
        }
        Some(node)
    }
}

/// The child `fid` of `df`, if it exists.
fn child(df: Df, fid: u16, exists: &impl Fn(FileId) -> bool) -> Option<Node> {
    if df == Df::Mf {
        match fid {
            0xDF00 => return Some(Node::Df(Df::Belpic)),
            0xDF01 => return Some(Node::Df(Df::Id)),
            _ => {}
        }
    }
    let file = FileId::from_df_fid(df.as_parent(), fid)?;
    exists(file).then_some(Node::Ef(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(_: FileId) -> bool {
        true
    }

    #[test]
    fn fid_selection_is_relative_to_the_current_df() {
        let mut fs = FileSystem::default();
        assert_eq!(fs.resolve_fid(0x5037, all), None);
        assert_eq!(fs.resolve_fid(0x2F00, all), Some(Node::Ef(FileId::Dir)));
        let df00 = fs.resolve_fid(0xDF00, all).unwrap();
        fs.enter(df00);
        assert_eq!(fs.current_df(), Df::Belpic);
        let cdf = fs.resolve_fid(0x5037, all).unwrap();
        fs.enter(cdf);
        assert_eq!(fs.current_ef(), Some(FileId::Cdf));
        assert_eq!(fs.current_df(), Df::Belpic);
        // siblings of the current EF are reachable, other DFs are not
        assert_eq!(
            fs.resolve_fid(0x5038, all),
            Some(Node::Ef(FileId::AuthenticationCertificate))
        );
        assert_eq!(fs.resolve_fid(0x4031, all), None);
        assert_eq!(fs.resolve_fid(0xDF01, all), None);
        assert_eq!(fs.resolve_fid(0x3F00, all), Some(Node::Df(Df::Mf)));
    }

    #[test]
    fn paths_with_and_without_mf() {
        let id = Some(Node::Ef(FileId::Identity));
        assert_eq!(
            FileSystem::resolve_path(&[0x3F, 0, 0xDF, 1, 0x40, 0x31], all),
            id
        );
        assert_eq!(FileSystem::resolve_path(&[0xDF, 1, 0x40, 0x31], all), id);
        assert_eq!(
            FileSystem::resolve_path(&[0x3F, 0], all),
            Some(Node::Df(Df::Mf))
        );
        assert_eq!(
            FileSystem::resolve_path(&[0x3F, 0, 0xDF, 0], all),
            Some(Node::Df(Df::Belpic))
        );
        assert_eq!(
            FileSystem::resolve_path(&[0x2F, 0], all),
            Some(Node::Ef(FileId::Dir))
        );
        assert_eq!(FileSystem::resolve_path(&[0xDF, 0, 0x40, 0x31], all), None);
        assert_eq!(FileSystem::resolve_path(&[0x2F, 0, 0x50, 0x31], all), None);
        assert_eq!(FileSystem::resolve_path(&[0x3F, 0, 0x3F, 0], all), None);
        assert_eq!(FileSystem::resolve_path(&[0x3F], all), None);
        assert_eq!(FileSystem::resolve_path(&[], all), None);
        // absent files
        assert_eq!(
            FileSystem::resolve_path(&[0xDF, 1, 0x40, 0x40], |f| f != FileId::BasicPublicKey),
            None
        );
        assert_eq!(FileSystem::resolve_path(&[0xDF, 0, 0x50, 0x36], all), None);
    }
}
