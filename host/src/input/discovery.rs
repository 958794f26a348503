//! Finding input files: roots in the order given, directories walked lazily
//! with entries sorted by file name so runs are reproducible.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::vec;

use globset::{GlobBuilder, GlobMatcher};
use walkdir::{DirEntry, WalkDir};

use super::source::{strip_gzip_extension, SourceFile};
use super::InputError;

/// Iterator over the files of every root, or an error per unusable root or entry.
pub(super) struct Discovery {
    roots: vec::IntoIter<PathBuf>,
    glob: Option<GlobMatcher>,
    /// The directory being walked and its walker.
    walk: Option<(PathBuf, walkdir::IntoIter)>,
}

impl Discovery {
    pub fn new(roots: Vec<PathBuf>, glob: Option<&str>) -> Result<Self, InputError> {
        let glob = glob
            .map(|pattern| {
                GlobBuilder::new(pattern)
                    .literal_separator(true)
                    .build()
                    .map(|glob| glob.compile_matcher())
                    .map_err(|source| InputError::InvalidGlob {
                        pattern: pattern.to_string(),
                        source,
                    })
            })
            .transpose()?;
        Ok(Discovery {
            roots: roots.into_iter(),
            glob,
            walk: None,
        })
    }

    fn start_root(&mut self, root: PathBuf) -> Option<Result<SourceFile, InputError>> {
        let metadata = match fs::metadata(&root) {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Some(Err(InputError::MissingRoot { path: root }));
            }
            Err(source) => return Some(Err(InputError::Read { path: root, source })),
        };
        if metadata.is_dir() {
            let walker = WalkDir::new(&root)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter();
            self.walk = Some((root, walker));
            None
        } else {
            let name = root
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            Some(Ok(SourceFile::new(root, name)))
        }
    }

    /// The next file of the directory being walked, skipping hidden entries
    /// and files the glob rejects.
    fn next_walked(&mut self) -> Option<Result<SourceFile, InputError>> {
        let (root, walker) = self.walk.as_mut()?;
        loop {
            let entry = match walker.next()? {
                Ok(entry) => entry,
                Err(source) => {
                    let path = source.path().unwrap_or(root).to_path_buf();
                    return Some(Err(InputError::Walk { path, source }));
                }
            };
            if entry.depth() > 0 && is_hidden(&entry) {
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
            if entry.file_type().is_dir() {
                continue;
            }
            let relative = relative_path(entry.path().strip_prefix(&*root).unwrap_or(entry.path()));
            if self
                .glob
                .as_ref()
                .is_some_and(|glob| !matches(glob, &relative))
            {
                continue;
            }
            return Some(Ok(SourceFile::new(entry.into_path(), relative)));
        }
    }
}

impl Iterator for Discovery {
    type Item = Result<SourceFile, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.next_walked() {
                return Some(item);
            }
            self.walk = None;
            let root = self.roots.next()?;
            if let Some(item) = self.start_root(root) {
                return Some(item);
            }
        }
    }
}

fn is_hidden(entry: &DirEntry) -> bool {
    entry.file_name().as_encoded_bytes().starts_with(b".")
}

/// A glob selects a compressed file by its own name or by the name it has
/// once decompressed, so `**/*.jsonl` also picks up `part.jsonl.gz`.
fn matches(glob: &GlobMatcher, relative: &str) -> bool {
    glob.is_match(relative) || glob.is_match(strip_gzip_extension(relative))
}

/// `path` with `/` separators whatever the platform. Names that are not
/// UTF-8 are rendered lossily: ids are strings.
fn relative_path(path: &Path) -> String {
    let mut relative = String::new();
    for component in path.components() {
        if let Component::Normal(name) = component {
            if !relative.is_empty() {
                relative.push('/');
            }
            relative.push_str(&name.to_string_lossy());
        }
    }
    relative
}
