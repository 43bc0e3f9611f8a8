//! Factory presets: files in `plugin-assets/presets/`, compiled into the binary. Each line is
//! `id = value text`, where the text is what the host's text entry would accept for that
//! parameter; `#` starts a comment.

/// A named set of parameter values, as (parameter id, value text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    /// The file name without `.preset`, e.g. `metallic-resonator`.
    pub name: &'static str,
    pub settings: Vec<(&'static str, &'static str)>,
}

/// The file names and contents of the factory presets.
const FILES: [(&str, &str); 10] = [
    (
        "metallic-resonator",
        include_str!("../plugin-assets/presets/metallic-resonator.preset"),
    ),
    (
        "slap-back-echo",
        include_str!("../plugin-assets/presets/slap-back-echo.preset"),
    ),
    (
        "prime-widener",
        include_str!("../plugin-assets/presets/prime-widener.preset"),
    ),
    (
        "hollow-tone",
        include_str!("../plugin-assets/presets/hollow-tone.preset"),
    ),
    (
        "odd-harmonic-drone",
        include_str!("../plugin-assets/presets/odd-harmonic-drone.preset"),
    ),
    (
        "dub-echo",
        include_str!("../plugin-assets/presets/dub-echo.preset"),
    ),
    (
        "plucked-string",
        include_str!("../plugin-assets/presets/plucked-string.preset"),
    ),
    (
        "damped-room",
        include_str!("../plugin-assets/presets/damped-room.preset"),
    ),
    (
        "keyboard-string",
        include_str!("../plugin-assets/presets/keyboard-string.preset"),
    ),
    (
        "dotted-eighth-echo",
        include_str!("../plugin-assets/presets/dotted-eighth-echo.preset"),
    ),
];

/// Every factory preset, in a fixed order.
pub fn factory_presets() -> Vec<Preset> {
    FILES
        .iter()
        .map(|&(name, text)| Preset {
            name,
            settings: parse(text),
        })
        .collect()
}

/// The factory preset called `name`, if there is one.
pub fn find(name: &str) -> Option<Preset> {
    factory_presets().into_iter().find(|p| p.name == name)
}

fn parse(text: &'static str) -> Vec<(&'static str, &'static str)> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .filter_map(|line| line.split_once('='))
        .map(|(id, value)| (id.trim(), value.trim()))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use nice_plug::prelude::Params;

    use super::*;
    use crate::params::PrimeCombParams;
    use crate::shared::SharedState;

    /// Every preset sets every parameter, in the parameters' order, and the lookup finds
    /// them by name.
    #[test]
    fn presets_are_complete() {
        let shared = Arc::new(SharedState::new(Arc::default()));
        let params = PrimeCombParams::new(shared);
        let every_id: Vec<String> = params.param_map().into_iter().map(|(id, ..)| id).collect();
        for preset in factory_presets() {
            let ids: Vec<&str> = preset.settings.iter().map(|&(id, _)| id).collect();
            assert_eq!(ids, every_id, "{}", preset.name);
        }
        assert_eq!(find("dub-echo").unwrap().settings[1], ("tau", "375 ms"));
        assert!(find("nothing").is_none());
    }
}
