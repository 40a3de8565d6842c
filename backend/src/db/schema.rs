//! Diesel schema, written for both backends (portable types only).

diesel::table! {
    territories (code) {
        code -> Text,
        name -> Text,
        ent_name -> Text,
        holiday_zone -> Text,
        vendor_id -> Nullable<BigInt>,
        availability_in_window_bp -> Integer,
        availability_out_of_window_bp -> Integer,
        window_weekdays -> Text,
        window_opens_minute -> Integer,
        window_closes_minute -> Integer,
        window_excludes_school_holidays -> Bool,
        timezone -> Text,
    }
}

diesel::table! {
    organisations (id) {
        id -> BigInt,
        code -> Text,
        kind -> Text,
        collectivite_subkind -> Nullable<Text>,
        name -> Text,
        territory_code -> Nullable<Text>,
        parent_id -> Nullable<BigInt>,
        contact_email -> Nullable<Text>,
        holiday_zone -> Nullable<Text>,
    }
}

diesel::table! {
    establishments (uai) {
        uai -> Text,
        name -> Text,
        search_key -> Text,
        kind -> Text,
        sector -> Text,
        authority_id -> BigInt,
        collectivite_id -> BigInt,
        departement -> Text,
        uses_vie_scolaire_module -> Bool,
    }
}

diesel::table! {
    queues (id) {
        id -> BigInt,
        code -> Text,
        organisation_id -> BigInt,
        name -> Text,
        level -> Integer,
        domain -> Text,
    }
}

diesel::table! {
    categories (code) {
        code -> Text,
        label -> Text,
        domain -> Text,
        default_type -> Text,
    }
}

diesel::table! {
    school_holidays (id) {
        id -> BigInt,
        zone -> Text,
        school_year -> Text,
        name -> Text,
        first_day -> Date,
        last_day -> Date,
    }
}

diesel::joinable!(queues -> organisations (organisation_id));
diesel::joinable!(organisations -> territories (territory_code));

diesel::allow_tables_to_appear_in_same_query!(
    territories,
    organisations,
    establishments,
    queues,
    categories,
    school_holidays,
);
