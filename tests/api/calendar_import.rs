//! Importing the national school calendar (`guichet calendar import`): the zone's periods
//! from the given date on are replaced by the file's, the others are kept, and the report
//! says what changed; a second import changes nothing.

use chrono::NaiveDate;

use guichet::db::repo::school_holidays;
use guichet::domain::reference_kinds::HolidayZone;
use guichet::services::calendar_import::import;

use crate::helpers::TestApp;

const FILE: &str = include_str!("fixtures/fr-en-calendrier-scolaire.csv");

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// (school year, name, first day, last day) of a zone's stored periods.
fn periods(app: &TestApp, zone: HolidayZone) -> Vec<(String, String, NaiveDate, NaiveDate)> {
    school_holidays::list(&mut app.conn(), Some(zone))
        .unwrap()
        .into_iter()
        .map(|h| (h.school_year, h.name, h.first_day, h.last_day))
        .collect()
}

#[test]
fn importing_zone_b_replaces_its_2026_27_periods_and_keeps_the_rest() {
    let app = TestApp::seeded();
    let zone_c = periods(&app, HolidayZone::C);
    let seeded_b = periods(&app, HolidayZone::B);
    let report = import(&mut app.conn(), FILE, HolidayZone::B, d(2026, 9, 1)).unwrap();

    let stored = periods(&app, HolidayZone::B);
    // 2025-26, before the date, is the seeded calendar as it was.
    let earlier: Vec<_> = stored
        .iter()
        .filter(|p| p.0 == "2025-2026")
        .cloned()
        .collect();
    let seeded_earlier: Vec<_> = seeded_b
        .iter()
        .filter(|p| p.0 == "2025-2026")
        .cloned()
        .collect();
    assert_eq!(earlier, seeded_earlier);
    // 2026-27 is the file's, pupils' dates, the days without classes.
    let year = |name: &str, first: NaiveDate, last: NaiveDate| {
        ("2026-2027".to_owned(), name.to_owned(), first, last)
    };
    let later: Vec<_> = stored.into_iter().filter(|p| p.0 == "2026-2027").collect();
    assert_eq!(
        later,
        vec![
            year("Vacances de la Toussaint", d(2026, 10, 18), d(2026, 11, 1)),
            year("Vacances de Noël", d(2026, 12, 20), d(2027, 1, 3)),
            year("Vacances d'Hiver", d(2027, 2, 21), d(2027, 3, 7)),
            year("Vacances de Printemps", d(2027, 4, 18), d(2027, 5, 2)),
            year("Pont de l'Ascension", d(2027, 5, 6), d(2027, 5, 9)),
            // The rentrée 2027 is the file's: 1 September.
            year("Vacances d'Été", d(2027, 7, 4), d(2027, 8, 31)),
        ]
    );
    // The seeds spelt three names otherwise: those are what changed.
    let names = |list: &[guichet::domain::official_calendar::OfficialPeriod]| {
        list.iter().map(|p| p.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        names(&report.removed),
        vec![
            "Vacances d'hiver",
            "Vacances d'été",
            "Vacances de printemps"
        ]
    );
    assert_eq!(
        names(&report.added),
        vec![
            "Vacances d'Hiver",
            "Vacances d'Été",
            "Vacances de Printemps"
        ]
    );
    assert_eq!(report.unchanged, 3);
    let printed = report.to_string();
    assert!(
        printed
            .contains("Zone B à partir du 01/09/2026 : 3 ajoutée(s), 3 retirée(s), 3 inchangée(s)"),
        "{printed}"
    );
    assert!(
        printed.contains(
            "+ Vacances d'Été 2026-2027 : du 04/07/2027 au 31/08/2027 (reprise le 01/09/2027)"
        ),
        "{printed}"
    );
    // Zone C is untouched.
    assert_eq!(periods(&app, HolidayZone::C), zone_c);

    // A second import of the same file changes nothing.
    let again = import(&mut app.conn(), FILE, HolidayZone::B, d(2026, 9, 1)).unwrap();
    assert!(again.added.is_empty() && again.removed.is_empty());
    assert_eq!(again.unchanged, 6);
}

#[test]
fn a_file_that_cannot_be_read_changes_nothing() {
    let app = TestApp::seeded();
    let before = periods(&app, HolidayZone::B);
    let broken = FILE.replace("2027-02-19T23:00:00+00:00", "19 février 2027");
    let error = import(&mut app.conn(), &broken, HolidayZone::B, d(2026, 9, 1)).unwrap_err();
    assert!(error.to_string().contains("date de début"), "{error}");
    assert_eq!(periods(&app, HolidayZone::B), before);
}

#[test]
fn the_command_imports_a_file_and_prints_what_changed() {
    let app = TestApp::seeded();
    let url = app.db.url_text();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("calendrier.csv");
    std::fs::write(&file, FILE).unwrap();
    let run = |zone: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
            .args(["calendar", "import", "--zone", zone, "--from", "2026-09-01"])
            .arg(&file)
            .env("DATABASE_URL", &url)
            .env("GUICHET_DATA_DIR", dir.path())
            .output()
            .unwrap()
    };
    let done = run("B");
    let printed = String::from_utf8_lossy(&done.stdout);
    assert!(
        done.status.success(),
        "{printed} {}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(printed.contains("3 ajoutée(s), 3 retirée(s)"), "{printed}");
    assert!(periods(&app, HolidayZone::B)
        .iter()
        .any(|p| p.1 == "Vacances d'Été" && p.3 == d(2027, 8, 31)));
    let refused = run("D");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--zone"));
}
