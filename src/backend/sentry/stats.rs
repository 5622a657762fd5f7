//! Sentry's issue `stats` read straight from the body, leniently: counts per hour (`24h`) and
//! per day (`30d`). A list page carries 2,400 points; anything not shaped `[[time, count], …]`
//! reads as no stats, never as a failed page.

use serde::Deserialize;

/// A lenient visitor's answer to a scalar (number, string, bool, null) where it wanted a
/// structure: `$empty`.
macro_rules! lenient_scalars {
    ($empty:expr) => {
        fn visit_u64<E>(self, _: u64) -> std::result::Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_i64<E>(self, _: i64) -> std::result::Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_f64<E>(self, _: f64) -> std::result::Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_str<E>(self, _: &str) -> std::result::Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_bool<E>(self, _: bool) -> std::result::Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
            Ok($empty)
        }
    };
}

/// A lenient visitor's answer to a list where it wanted something else: read past it, then
/// `$empty`.
macro_rules! drain_seq {
    ($empty:expr) => {
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut s: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok($empty)
        }
    };
}

/// The same for an object.
macro_rules! drain_map {
    ($empty:expr) => {
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut m: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            while m
                .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                .is_some()
            {}
            Ok($empty)
        }
    };
}

/// An issue's `stats`: counts per hour (`24h`) and per day (`30d`), oldest first, at most 400
/// points each. Read straight from the body (a list page carries 2,400 points) and leniently:
/// anything not shaped `[[time, count], …]` reads as no stats, never as a failed page.
#[derive(Default)]
pub struct Stats {
    pub day: Vec<u64>,
    pub month: Vec<u64>,
}

const MAX_POINTS: usize = 400;

impl<'de> Deserialize<'de> for Stats {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Stats;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("stats")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<Stats, A::Error> {
                let mut out = Stats::default();
                while let Some(k) = m.next_key::<std::borrow::Cow<'de, str>>()? {
                    match &*k {
                        "24h" => out.day = m.next_value::<Points>()?.0,
                        "30d" => out.month = m.next_value::<Points>()?.0,
                        _ => {
                            m.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
            lenient_scalars!(Stats::default());
            drain_seq!(Stats::default());
        }
        d.deserialize_any(V)
    }
}

/// `[[time, count], …]`: the counts.
struct Points(Vec<u64>);

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Points;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("stat points")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> std::result::Result<Points, A::Error> {
                let mut out = Vec::with_capacity(s.size_hint().unwrap_or(0).min(MAX_POINTS));
                while let Some(Count(n)) = s.next_element::<Point>()?.map(|p| p.0) {
                    if out.len() < MAX_POINTS {
                        out.push(n);
                    }
                }
                Ok(Points(out))
            }
            lenient_scalars!(Points(Vec::new()));
            drain_map!(Points(Vec::new()));
        }
        d.deserialize_any(V)
    }
}

/// One `[time, count]` pair: its count.
struct Point(Count);

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Point;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a [time, count] pair")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> std::result::Result<Point, A::Error> {
                let _time = s.next_element::<serde::de::IgnoredAny>()?;
                let n = s.next_element::<Count>()?.unwrap_or(Count(0));
                while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Point(n))
            }
            lenient_scalars!(Point(Count(0)));
            drain_map!(Point(Count(0)));
        }
        d.deserialize_any(V)
    }
}

/// A count sent as a number or a numeric string; anything else counts 0.
struct Count(u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a count")
            }
            fn visit_u64<E>(self, n: u64) -> std::result::Result<Count, E> {
                Ok(Count(n))
            }
            fn visit_i64<E>(self, n: i64) -> std::result::Result<Count, E> {
                Ok(Count(n.max(0) as u64))
            }
            fn visit_f64<E>(self, n: f64) -> std::result::Result<Count, E> {
                Ok(Count(if n.is_finite() && n > 0.0 {
                    n as u64
                } else {
                    0
                }))
            }
            fn visit_str<E>(self, s: &str) -> std::result::Result<Count, E> {
                Ok(Count(s.trim().parse().unwrap_or(0)))
            }
            fn visit_bool<E>(self, _: bool) -> std::result::Result<Count, E> {
                Ok(Count(0))
            }
            fn visit_unit<E>(self) -> std::result::Result<Count, E> {
                Ok(Count(0))
            }
            drain_seq!(Count(0));
            drain_map!(Count(0));
        }
        d.deserialize_any(V)
    }
}
