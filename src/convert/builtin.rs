/*!
The dictionaries and configs compiled into the binary by `build.rs`.

Each dictionary blob is deserialized on first use and then shared: a process
that converts with `s2t` never pays for the Hong Kong or Japanese tables.
*/

use std::sync::{Arc, LazyLock, OnceLock};

use super::dict_data::DictData;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The names of the bundled configs, as `opencc -c` accepts them.
pub const CONFIG_NAMES: [&str; 16] = [
    "s2t", "t2s", "s2tw", "tw2s", "s2hk", "hk2s", "s2twp", "tw2sp", "s2hkp", "hk2sp", "t2tw",
    "tw2t", "t2hk", "hk2t", "t2jp", "jp2t",
];

static LOADED: LazyLock<Vec<OnceLock<Arc<DictData>>>> =
    LazyLock::new(|| generated::DICTS.iter().map(|_| OnceLock::new()).collect());

/// The bundled dictionary with this file name (`STPhrases.txt`), if any.
pub fn dict(file_name: &str) -> Option<Arc<DictData>> {
    let index = generated::DICTS.iter().position(|(n, _)| *n == file_name)?;
    let slot = &LOADED[index];
    Some(Arc::clone(slot.get_or_init(|| {
        let blob = generated::DICTS[index].1;
        // SAFETY: the blob was written by build.rs, in this very build, with
        // `DictData::serialize` from the same source (the test below reads
        // every blob with the checks); failing to read it back is a bug,
        // not an input error.
        let loaded = unsafe { DictData::deserialize_trusted(blob) };
        Arc::new(
            loaded.unwrap_or_else(|e| panic!("bundled dictionary {file_name} is corrupt: {e}")),
        )
    })))
}

/// The longest key (in characters) of a bundled dictionary, without
/// loading it.
pub fn max_key_chars(file_name: &str) -> Option<usize> {
    generated::MAX_KEY_CHARS
        .iter()
        .find(|(n, _)| *n == file_name)
        .map(|(_, len)| *len)
}

/// Whether a key of bundled dictionary `later` has a key of bundled
/// dictionary `earlier` as a proper prefix (computed by build.rs).
pub fn extends(earlier: &str, later: &str) -> bool {
    generated::EXTENDS
        .iter()
        .any(|(e, l)| *e == earlier && *l == later)
}

/// The JSON text of a bundled config, by name with or without `.json`.
pub fn config_json(name: &str) -> Option<(&'static str, &'static str)> {
    let stem = name.strip_suffix(".json").unwrap_or(name);
    generated::CONFIGS
        .iter()
        .find(|(n, _)| *n == stem)
        .map(|(n, json)| (*n, *json))
}

/// File names of every bundled dictionary.
#[cfg(test)]
pub fn dict_names() -> impl Iterator<Item = &'static str> {
    generated::DICTS.iter().map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_blob_passes_the_checked_reader() {
        for (name, blob) in generated::DICTS {
            let dict = DictData::deserialize(blob).unwrap_or_else(|e| panic!("{name}: {e}"));
            dict.check_trie().unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn every_config_is_bundled_and_every_dictionary_loads() {
        for name in CONFIG_NAMES {
            assert!(config_json(name).is_some(), "{name}");
            assert!(
                config_json(&format!("{name}.json")).is_some(),
                "{name}.json"
            );
        }
        assert_eq!(generated::CONFIGS.len(), CONFIG_NAMES.len());
        for name in dict_names() {
            let d = dict(name).unwrap();
            assert!(!d.is_empty(), "{name} is empty");
        }
        let st = dict("STPhrases.txt").unwrap();
        assert!(st.len() > 40_000, "STPhrases has {} keys", st.len());
    }
}
