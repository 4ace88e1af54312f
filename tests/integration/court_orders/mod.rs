//! Court orders and licences (issue 15 section 2): the schema step, the rules of
//! their Today reasons, the forms, the record, the aftercare link and the import.

mod upgrade;
