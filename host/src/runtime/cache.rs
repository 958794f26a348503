//! The on-disk cache of compiled components. An entry is wasmtime's
//! serialized form of one component for this engine, named by the
//! component's sha256 and the engine's compatibility hash (wasmtime version,
//! compiler settings, CPU features), so a stale entry is never picked up.
//!
//! Entries are mapped, not read: a warm start touches only the pages of code
//! and data it runs, which for a component with a 21 MiB model in its data
//! segment is the difference between a few milliseconds and a few hundred.
//! (wasmtime's own cache stores entries zstd-compressed and reads them
//! whole, so every start paid for a full copy and a decompression.)

use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use wasmtime::component::Component;
use wasmtime::Engine;

/// A directory of compiled components for one engine configuration.
#[derive(Debug, Clone)]
pub(crate) struct CompileCache {
    dir: PathBuf,
    engine_key: String,
}

impl CompileCache {
    /// The cache in `dir` (created on first write) for `engine`.
    pub(crate) fn new(dir: &Path, engine: &Engine) -> Self {
        let mut hasher = DigestHasher(Sha256::new());
        engine.precompile_compatibility_hash().hash(&mut hasher);
        CompileCache {
            dir: dir.to_path_buf(),
            engine_key: hex::encode(&hasher.0.finalize()[..8]),
        }
    }

    /// The component whose bytes hash to `sha256`: mapped from the cache when
    /// an entry exists, else compiled from `bytes` and stored for next time.
    /// A cache that cannot be written costs speed, never the run.
    // The host's one `unsafe`; the SAFETY note below says why it holds.
    #[allow(unsafe_code)]
    pub(crate) fn load<'a>(
        &self,
        engine: &Engine,
        sha256: &str,
        bytes: impl FnOnce() -> wasmtime::Result<Cow<'a, [u8]>>,
    ) -> wasmtime::Result<Component> {
        let entry = self.dir.join(format!("{sha256}-{}.cwasm", self.engine_key));
        if entry.is_file() {
            // SAFETY: wasmtime runs the machine code in a serialized component
            // without re-verifying it, so the file must be one it wrote and
            // must not change while mapped. Entries are written only here,
            // whole, under a temporary name and renamed into place, in the
            // user's own cache directory: the same trust wasmtime's built-in
            // cache places in its files. Its header check refuses entries
            // from another wasmtime or configuration.
            match unsafe { Component::deserialize_file(engine, &entry) } {
                Ok(component) => return Ok(component),
                // Unreadable or from elsewhere: compile again, and replace it.
                Err(_) => {
                    let _ = std::fs::remove_file(&entry);
                }
            }
        }
        let component = Component::new(engine, &bytes()?)?;
        if let Err(e) = self.store(&entry, &component) {
            eprintln!(
                "warning: could not cache the compiled plugin in {}: {e:#}",
                self.dir.display()
            );
        }
        Ok(component)
    }

    fn store(&self, entry: &Path, component: &Component) -> anyhow::Result<()> {
        let serialized = component
            .serialize()
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        std::fs::create_dir_all(&self.dir)?;
        let mut file = tempfile::NamedTempFile::new_in(&self.dir)?;
        file.write_all(&serialized)?;
        file.persist(entry)?;
        Ok(())
    }
}

/// Feeds `Hash` into sha256, so the engine's compatibility hash gives the
/// same key in every process (std's hashers promise no such thing).
struct DigestHasher(Sha256);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        unreachable!("only the digest is read")
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::CompileCache;
    use std::borrow::Cow;
    use wasmtime::{Config, Engine};

    fn engine() -> Engine {
        let mut config = Config::new();
        config.wasm_component_model(true);
        Engine::new(&config).unwrap()
    }

    /// The smallest valid component: compiling it is quick, and the cache
    /// treats it as it treats any other.
    fn component() -> (String, Vec<u8>) {
        let bytes = wasm_encoder::Component::new().finish();
        ("0".repeat(64), bytes)
    }

    fn entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }

    /// Loads the component whose digest is `sha256`, offering `bytes` in
    /// case the cache has no entry for it.
    fn load(cache: &CompileCache, engine: &Engine, sha256: &str, bytes: &[u8]) {
        cache.load(engine, sha256, || Ok(Cow::from(bytes))).unwrap();
    }

    /// An empty cache directory, and the component, loaded once into it.
    fn cache_holding_component() -> (tempfile::TempDir, Engine, CompileCache, String, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine();
        let (sha256, bytes) = component();
        let cache = CompileCache::new(dir.path(), &engine);
        load(&cache, &engine, &sha256, &bytes);
        (dir, engine, cache, sha256, bytes)
    }

    #[test]
    fn the_first_load_writes_an_entry_that_the_next_one_maps() {
        let (dir, engine, cache, sha256, _) = cache_holding_component();
        let written = entries(dir.path());
        assert_eq!(written.len(), 1);
        let name = written[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(name.starts_with(&sha256), "{name}");
        let before = std::fs::read(&written[0]).unwrap();

        // Given bytes that do not compile, only the entry can produce it.
        load(&cache, &engine, &sha256, b"not wasm");
        assert_eq!(std::fs::read(&written[0]).unwrap(), before);
    }

    #[test]
    fn a_damaged_entry_is_compiled_again_and_replaced() {
        let (dir, engine, cache, sha256, bytes) = cache_holding_component();
        let entry = entries(dir.path()).remove(0);
        std::fs::write(&entry, b"not a compiled component").unwrap();

        load(&cache, &engine, &sha256, &bytes);
        assert_ne!(std::fs::read(&entry).unwrap(), b"not a compiled component");
        load(&cache, &engine, &sha256, b"not wasm");
    }

    #[test]
    fn engines_with_other_settings_do_not_share_entries() {
        let dir = tempfile::tempdir().unwrap();
        let plain = engine();
        let mut config = Config::new();
        config.wasm_component_model(true).epoch_interruption(true);
        let interruptible = Engine::new(&config).unwrap();
        let (sha256, bytes) = component();
        load(
            &CompileCache::new(dir.path(), &plain),
            &plain,
            &sha256,
            &bytes,
        );
        load(
            &CompileCache::new(dir.path(), &interruptible),
            &interruptible,
            &sha256,
            &bytes,
        );
        assert_eq!(entries(dir.path()).len(), 2);
    }
}
