package models

import "testing"

func TestInvoiceStateMoves(t *testing.T) {
	for _, tc := range []struct {
		from, to InvoiceState
		ok       bool
	}{
		{InvoiceOpen, InvoicePaid, true},
		{InvoiceOpen, InvoiceVoid, true},
		{InvoicePaid, InvoiceOpen, false},
		{InvoicePaid, InvoiceVoid, false},
		{InvoiceVoid, InvoiceOpen, false},
		{InvoiceVoid, InvoicePaid, false},
		{InvoiceOpen, InvoiceOpen, false},
	} {
		t.Run(string(tc.from)+"→"+string(tc.to), func(t *testing.T) {
			if got := tc.from.CanMoveTo(tc.to); got != tc.ok {
				t.Fatalf("CanMoveTo = %v", got)
			}
		})
	}
	if PaymentSucceeded.CanMoveTo(PaymentDeclined) || !PaymentPendingRetry.CanMoveTo(PaymentSucceeded) {
		t.Fatal("payment moves")
	}
}

func TestBillingPermissions(t *testing.T) {
	for _, tc := range []struct {
		role Role
		perm Permission
		ok   bool
	}{
		{RoleSuperAdmin, PermBillingRead, true},
		{RoleSuperAdmin, PermBillingPay, true},
		{RoleAdminAgent, PermBillingRead, false},
		{RoleSalesAgent, PermBillingRead, false},
		{RoleHelpdeskAgent, PermBillingRead, false},
		{RoleCustomerAdmin, PermBillingRead, true},
		{RoleCustomerAdmin, PermBillingPay, false},
		{RoleCustomerBilling, PermBillingRead, true},
		{RoleCustomerBilling, PermBillingPay, true},
		{RoleCustomerViewer, PermBillingRead, false},
		{RoleOperatorAdmin, PermIssueCredit, true},
		{RoleSalesRep, PermIssueCredit, false},
		{RoleSuperAdmin, PermIssueCredit, false},
	} {
		t.Run(string(tc.role)+" "+string(tc.perm), func(t *testing.T) {
			if got := (Actor{Role: tc.role}).Can(tc.perm); got != tc.ok {
				t.Fatalf("Can = %v", got)
			}
		})
	}
}

func TestInvoiceBalance(t *testing.T) {
	i := Invoice{TotalMinor: 1000, PaidMinor: 400, State: InvoiceOpen}
	if i.BalanceMinor() != 600 {
		t.Fatal(i.BalanceMinor())
	}
	i.State = InvoiceVoid
	if i.BalanceMinor() != 0 {
		t.Fatal("a void invoice is owed")
	}
}
