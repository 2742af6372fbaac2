import Domain

/// Why the central store refused a command (`CommandReceipt.reason`): a
/// small, stable vocabulary a program can act on, derived here — and only
/// here — from the domain's refusals. Listed in docs/central-openapi.yaml
/// (`RefusalReason`); a test checks that both lists agree.
public enum RefusalReason: String, Codable, Sendable, Hashable, CaseIterable {
    case unknownCard = "unknown_card"
    /// The card is lost, stolen or invalidated, and the command does not
    /// follow the declaration that made it so.
    case cardInactive = "card_inactive"
    case noSuchPerson = "no_such_person"
    // The domain's exclusions (CEAMExclusion, VitaleExclusion).
    case npai = "not_allowed.npai"
    case tooManyLossDeclarations = "not_allowed.too_many_loss_declarations"
    case cancelledWithOrderInProgress = "not_allowed.cancelled_with_order_in_progress"
    case insufficientRights = "not_allowed.insufficient_rights"
    case demarcheEnCours = "not_allowed.demarche_en_cours"
    case renewalTooEarly = "not_allowed.renewal_too_early"
    case orderInProgress = "not_allowed.order_in_progress"
    case noValidCard = "not_allowed.no_valid_card"
    case cardStillValid = "not_allowed.card_still_valid"
    case tooYoung = "not_allowed.too_young"
    case notAuthorised = "not_allowed.not_authorised"
    case regimeChanging = "not_allowed.regime_changing"
    case declarationRequired = "not_allowed.declaration_required"
    case orderPaused = "not_allowed.order_paused"
    case noActiveCard = "not_allowed.no_active_card"
    case noOwnNIR = "not_allowed.no_own_nir"
    case noVisualChangeOnFile = "not_allowed.no_visual_change_on_file"
    // The request itself (CEAMRequestError, VitaleRequestError).
    case notApplicable = "not_applicable"
    case lossDetailsMissing = "loss_details_missing"
    case lossDateInFuture = "loss_date_in_future"
    case lossDateTooOld = "loss_date_too_old"
    case swornStatementNotTicked = "sworn_statement_not_ticked"
    case returnCommitmentMissing = "return_commitment_missing"
    /// A carte Vitale order whose use case does not fit the person's file.
    case useCaseNotApplicable = "use_case_not_applicable"
    /// A carte Vitale order without its photo d'identité or pièce d'identité
    /// (never sent, of another kind, or held by another order).
    case photoMissing = "document_missing.photo"
    case identityDocumentMissing = "document_missing.identity_document"
    /// The attestation sur l'honneur of a carte Vitale order was not ticked.
    case swornStatementMissing = "sworn_statement_missing"
    /// A new postal address the caisse cannot keep (`PostalAddressProblem`).
    case addressNotValid = "address_not_valid"
    /// A refusal this version does not name (a newer domain refusal); kept
    /// so that a kiosk reads any central store's receipts.
    case refused = "refused"

    public init(_ exclusion: CEAMExclusion) {
        switch exclusion {
        case .npai: self = .npai
        case .tooManyLossDeclarations: self = .tooManyLossDeclarations
        case .cancelledWithOrderInProgress: self = .cancelledWithOrderInProgress
        case .insufficientRights: self = .insufficientRights
        case .demarcheEnCours: self = .demarcheEnCours
        case .renewalTooEarly: self = .renewalTooEarly
        case .orderInProgress: self = .orderInProgress
        case .noValidCard: self = .noValidCard
        case .cardStillValid: self = .cardStillValid
        }
    }

    public init(_ exclusion: VitaleExclusion) {
        switch exclusion {
        case .tooYoung: self = .tooYoung
        case .npai: self = .npai
        case .notAuthorised: self = .notAuthorised
        case .regimeChanging: self = .regimeChanging
        case .declarationRequired: self = .declarationRequired
        case .orderPausedUntil: self = .orderPaused
        case .orderInProgress: self = .orderInProgress
        case .noActiveCard: self = .noActiveCard
        case .demarcheEnCours: self = .demarcheEnCours
        case .noOwnNIR: self = .noOwnNIR
        case .noVisualChangeOnFile: self = .noVisualChangeOnFile
        }
    }

    /// The code of a refusal of `CommandRules.apply`.
    public init(_ refusal: CommandRefusal) {
        switch refusal {
        case .unknownCard: self = .unknownCard
        case .cardInactive: self = .cardInactive
        case .noSuchPerson: self = .noSuchPerson
        case .ceam(let e):
            switch e {
            case .notAllowed(_, let why): self.init(why)
            case .notApplicable: self = .notApplicable
            case .lossDetailsMissing: self = .lossDetailsMissing
            case .lossDateInFuture: self = .lossDateInFuture
            case .lossDateTooOld: self = .lossDateTooOld
            case .swornStatementNotTicked: self = .swornStatementNotTicked
            }
        case .vitale(let e):
            switch e {
            case .notAllowed(_, let why): self.init(why)
            case .returnCommitmentMissing: self = .returnCommitmentMissing
            case .useCaseNotApplicable: self = .useCaseNotApplicable
            case .documentMissing(.photo): self = .photoMissing
            case .documentMissing(.identityDocument): self = .identityDocumentMissing
            case .swornStatementMissing: self = .swornStatementMissing
            }
        case .address: self = .addressNotValid
        case .demarcheEnCours: self = .demarcheEnCours
        }
    }
}
